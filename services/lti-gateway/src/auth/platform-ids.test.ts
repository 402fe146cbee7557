import { IdSchema } from "@atomic-guide/shared";
import * as v from "valibot";
import { describe, expect, it } from "vitest";
import { callerCourseId } from "./course-scope";
import { looksNamespaced, platformNamespace, scopedId, tokenNamespace } from "./platform-ids";
import { claimsFor } from "./test-tokens";

describe("platform-scoped ids (issue 13 finding 5)", () => {
  it("derives one p<24 hex> namespace per (issuer, client id)", async () => {
    const ns = await platformNamespace("https://lms.example.edu", "client-1");
    expect(ns).toMatch(/^p[0-9a-f]{24}$/);
    expect(await platformNamespace("https://lms.example.edu", "client-1")).toBe(ns);
    expect(await platformNamespace("https://lms.example.edu", "client-2")).not.toBe(ns);
    expect(await platformNamespace("https://other.example.edu", "client-1")).not.toBe(ns);
  });

  it("keeps scoped ids within IdSchema, hashing ones that would not fit", async () => {
    const ns = await platformNamespace("https://lms.example.edu", "client-1");
    for (const raw of ["5", "x".repeat(255), "Zoë", "a b"]) {
      const id = await scopedId(ns, raw);
      expect(v.is(IdSchema, id), raw).toBe(true);
      expect(id.startsWith(`${ns}:`)).toBe(true);
      expect(await scopedId(ns, raw)).toBe(id);
    }
    expect(await scopedId(ns, "5")).toBe(`${ns}:5`);
    expect(await scopedId(ns, "x".repeat(255))).not.toBe(await scopedId(ns, "x".repeat(254)));
  });

  it("leaves the primary platform's ids raw, except ones shaped like another platform's", async () => {
    const other = await platformNamespace("https://b.example.edu", "client-b");
    expect(await scopedId("", "5")).toBe("5");
    expect(await scopedId("", "link:7")).toBe("link:7");
    expect(await scopedId("", "Zoë")).toMatch(/^h-[0-9a-f]{64}$/);
    // The primary platform choosing `sub` = site B's scoped id must not become site B's user.
    const impersonation = await scopedId("", `${other}:5`);
    expect(impersonation).not.toBe(await scopedId(other, "5"));
    expect(looksNamespaced(impersonation)).toBe(false);
  });

  it("reads a token's namespace from its own course id", async () => {
    const issuer = "https://b.example.edu";
    const ns = await platformNamespace(issuer, "client-b");
    expect(await tokenNamespace({ issuer, clientId: "client-b", contextId: `${ns}:42` })).toBe(ns);
    expect(await tokenNamespace({ issuer, clientId: "client-b", contextId: "42" })).toBe("");
  });
});

describe("a course named in an /api URL", () => {
  const issuer = "https://b.example.edu";
  it("accepts the token's own course by its stored or its platform's raw id, nothing else", async () => {
    const ns = await platformNamespace(issuer, "client-b");
    const other = await platformNamespace("https://c.example.edu", "client-c");
    const claims = { ...claimsFor("t"), issuer, clientId: "client-b", contextId: `${ns}:42`, isInstructor: true };
    expect(await callerCourseId(claims, `${ns}:42`)).toBe(`${ns}:42`);
    expect(await callerCourseId(claims, "42")).toBe(`${ns}:42`);
    expect(await callerCourseId(claims, "43")).toBeNull();
    expect(await callerCourseId(claims, `${other}:42`)).toBeNull();
  });

  it("gives a primary platform's token its own course only, never a scoped one", async () => {
    const ns = await platformNamespace(issuer, "client-b");
    const claims = { ...claimsFor("t"), issuer, clientId: "client-b", contextId: "42", isInstructor: true };
    expect(await callerCourseId(claims, "42")).toBe("42");
    expect(await callerCourseId(claims, `${ns}:42`)).toBeNull();
    const hashed = { ...claims, contextId: await scopedId("", "Zoë") };
    expect(await callerCourseId(hashed, "Zoë")).toBe(hashed.contextId);
    expect(await callerCourseId(hashed, "Zoe")).toBeNull();
  });
});
