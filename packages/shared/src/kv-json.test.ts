import { env } from "cloudflare:workers";
import * as v from "valibot";
import { describe, expect, it } from "vitest";
import { readKvJson } from "./kv-json";

const Limits = v.object({ perDay: v.pipe(v.number(), v.integer()) });

describe("readKvJson", () => {
  it("answers the stored value when it is what the schema describes", async () => {
    await env.SNAPSHOTS.put("kv-json:ok", JSON.stringify({ perDay: 7 }));
    expect(await readKvJson(env.SNAPSHOTS, "kv-json:ok", Limits)).toEqual({ perDay: 7 });
    expect(await readKvJson(env.SNAPSHOTS, "kv-json:ok", Limits, 60)).toEqual({ perDay: 7 });
  });

  it("reads an absent key and a value of another shape as none", async () => {
    await env.SNAPSHOTS.put("kv-json:odd", JSON.stringify({ perDay: "seven" }));
    expect(await readKvJson(env.SNAPSHOTS, "kv-json:absent", Limits)).toBeUndefined();
    expect(await readKvJson(env.SNAPSHOTS, "kv-json:odd", Limits)).toBeUndefined();
  });

  it("leaves a value that is not JSON to the caller", async () => {
    await env.SNAPSHOTS.put("kv-json:text", "not json");
    await expect(readKvJson(env.SNAPSHOTS, "kv-json:text", Limits)).rejects.toThrow();
  });
});
