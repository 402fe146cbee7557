import { runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { RECORD_SHARDS, recordShard, stateObject } from "./oidc-state";

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
    await runInDurableObject(recordShard(env, "test:expired"), (_instance, state) => {
      state.storage.sql.exec("UPDATE records SET expires_at = ? WHERE key = 'test:expired'", Date.now() - 1);
    });
    expect(await stub.take()).toBeNull();
  });

  it("sweeps expired records when the alarm fires and keeps the live ones", async () => {
    await stateObject(env, "test:alarm-live").put("still wanted", 60_000);
    const shard = recordShard(env, "test:alarm-live");
    await runInDurableObject(shard, (_instance, state) => {
      state.storage.sql.exec(
        "INSERT INTO records (key, value, expires_at) VALUES ('test:alarm-gone', '\"gone\"', ?)",
        Date.now() - 1,
      );
    });
    expect(await runDurableObjectAlarm(shard)).toBe(true);
    const keys = await runInDurableObject(shard, (_instance, state) =>
      state.storage.sql
        .exec<{ key: string }>("SELECT key FROM records WHERE key LIKE 'test:alarm-%'")
        .toArray()
        .map((r) => r.key),
    );
    expect(keys).toEqual(["test:alarm-live"]);
    expect(await stateObject(env, "test:alarm-live").take()).toBe("still wanted");
  });

  it("spreads records over the fixed set of shard objects, not one object per record", async () => {
    const keys = Array.from({ length: 200 }, (_, i) => `state:${i}-${crypto.randomUUID()}`);
    const shards = new Set(keys.map((k) => recordShard(env, k).id.toString()));
    expect(shards.size).toBeLessThanOrEqual(RECORD_SHARDS);
    expect(shards.size).toBeGreaterThan(RECORD_SHARDS / 2);
  });

  it("still answers a record an object of the one-object-per-key design holds", async () => {
    const legacy = env.OIDC_STATE.get(env.OIDC_STATE.idFromName("test:legacy"));
    await runInDurableObject(legacy, (_instance, state) =>
      state.storage.put("record", { value: { nonce: "old" }, expiresAt: Date.now() + 60_000 }),
    );
    expect(await stateObject(env, "test:legacy").take()).toEqual({ nonce: "old" });
    expect(await stateObject(env, "test:legacy").take()).toBeNull();
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
