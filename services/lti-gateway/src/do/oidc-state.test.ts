import { runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { stateObject } from "./oidc-state";

describe("OIDCStateDurableObject", () => {
  it("returns a stored value once, then null", async () => {
    const stub = stateObject(env, "test:once");
    await stub.put({ nonce: "n-1", nested: { a: [1, 2] } }, 60_000);
    expect(await stub.take()).toEqual({ nonce: "n-1", nested: { a: [1, 2] } });
    expect(await stub.take()).toBeNull();
  });

  it("gives the value to exactly one of many concurrent takers", async () => {
    const stub = stateObject(env, "test:race");
    await stub.put("only-once", 60_000);
    const results = await Promise.all(Array.from({ length: 8 }, () => stateObject(env, "test:race").take()));
    expect(results.filter((r) => r === "only-once")).toHaveLength(1);
    expect(results.filter((r) => r === null)).toHaveLength(7);
  });

  it("keeps separate keys apart", async () => {
    await stateObject(env, "test:a").put("A", 60_000);
    await stateObject(env, "test:b").put("B", 60_000);
    expect(await stateObject(env, "test:b").take()).toBe("B");
    expect(await stateObject(env, "test:a").take()).toBe("A");
  });

  it("answers null for an expired record even before the alarm ran", async () => {
    const stub = stateObject(env, "test:expired");
    await stub.put("stale", 60_000);
    await runInDurableObject(stub, async (_instance, state) => {
      const record = (await state.storage.get("record")) as { value: unknown; expiresAt: number };
      await state.storage.put("record", { ...record, expiresAt: Date.now() - 1 });
    });
    expect(await stub.take()).toBeNull();
  });

  it("deletes the record when the alarm fires", async () => {
    const stub = stateObject(env, "test:alarm");
    await stub.put("soon gone", 60_000);
    expect(await runDurableObjectAlarm(stub)).toBe(true);
    expect(await stub.take()).toBeNull();
    await runInDurableObject(stub, async (_instance, state) => {
      expect(await state.storage.get("record")).toBeUndefined();
    });
  });

  it("refuses a ttl outside 1 ms .. 2 h and stores nothing", async () => {
    const stub = stateObject(env, "test:bad-ttl");
    const outcome = async (ttl: number) => {
      try {
        await stub.put("x", ttl);
        return "stored";
      } catch (e) {
        return e instanceof Error ? e.message : "error";
      }
    };
    expect(await outcome(0)).toMatch(/ttlMs/);
    expect(await outcome(2 * 60 * 60 * 1000 + 1)).toMatch(/ttlMs/);
    expect(await stub.take()).toBeNull();
  });
});
