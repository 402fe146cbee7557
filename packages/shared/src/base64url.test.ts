import { describe, expect, it } from "vitest";
import {
  base64ToBytes,
  base64UrlToText,
  bytesToBase64,
  bytesToBase64Url,
  randomBase64Url,
  textToBase64Url,
} from "./base64url";

describe("base64url", () => {
  it("uses the URL alphabet without padding", () => {
    // 0xfb 0xff 0xbf is "+/+/" in plain base64; one byte alone would be padded with "==".
    expect(bytesToBase64Url(new Uint8Array([0xfb, 0xff, 0xbf]))).toBe("-_-_");
    expect(bytesToBase64Url(new Uint8Array([0xff]))).toBe("_w");
  });

  it("round-trips bytes and UTF-8 text, names included", () => {
    const bytes = new Uint8Array([0, 1, 127, 128, 254, 255]);
    expect([...base64ToBytes(bytesToBase64Url(bytes))]).toEqual([...bytes]);
    const text = JSON.stringify({ name: "Zoë Ångström 学生 ✓" });
    expect(base64UrlToText(textToBase64Url(text))).toBe(text);
  });

  it("keeps the standard alphabet and padding for plain base64, and reads it back", () => {
    expect(bytesToBase64(new Uint8Array([0xfb, 0xff, 0xbf]))).toBe("+/+/");
    expect(bytesToBase64(new Uint8Array([0xff]))).toBe("/w==");
    expect([...base64ToBytes("+/+/")]).toEqual([0xfb, 0xff, 0xbf]);
  });

  it("throws on what is not base64", () => {
    expect(() => base64ToBytes("not base64!")).toThrow();
  });

  it("makes random ids of the asked length from fresh bytes", () => {
    const a = randomBase64Url(32);
    expect(a).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(randomBase64Url(18)).toMatch(/^[A-Za-z0-9_-]{24}$/);
    expect(randomBase64Url(32)).not.toBe(a);
  });
});
