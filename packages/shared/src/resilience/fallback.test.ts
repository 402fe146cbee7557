import { env } from "cloudflare:workers";
import * as v from "valibot";
import { beforeAll, describe, expect, it } from "vitest";
import { ApiError, errorToResponse } from "../errors";
import { breakerFor } from "./breaker";
import { controlD1Faults, FAULTS_KEY } from "./d1-faults";
import {
  DEGRADED_HEADER,
  deleteSnapshots,
  markDegraded,
  readThrough,
  readThroughResponse,
  snapshotKey,
} from "./fallback";
import { withD1Resilience } from "./guarded-d1";

const ProfileSchema = v.object({ userId: v.string(), level: v.picklist(["none", "watch", "struggling"]) });

beforeAll(async () => {
  await env.DB.prepare(
    "CREATE TABLE profiles (tenant_id TEXT NOT NULL, user_id TEXT NOT NULL, level TEXT NOT NULL, PRIMARY KEY (tenant_id, user_id))",
  ).run();
});

/** A service's D1 as tenantDb builds it: fault injection inside, its breaker around. */
function serviceD1(service: string, breaker = { failureThreshold: 2, cooldownMs: 60_000 }) {
  // A hang guard only: a healthy read on a loaded machine must not look like an outage.
  return withD1Resilience(env.DB, env, service, "DB", { timeoutMs: 5_000, breaker });
}

async function setLevel(tenantId: string, userId: string, level: string) {
  await env.DB.prepare(
    "INSERT INTO profiles (tenant_id, user_id, level) VALUES (?, ?, ?) ON CONFLICT (tenant_id, user_id) DO UPDATE SET level = excluded.level",
  )
    .bind(tenantId, userId, level)
    .run();
}

function profileReader(service: string, tenantId: string, userId: string, calls = { n: 0 }) {
  const d1 = serviceD1(service);
  return {
    calls,
    options: {
      service,
      kv: env.SNAPSHOTS,
      key: snapshotKey(tenantId, "profile", userId),
      tenantId,
      schema: ProfileSchema,
      read: async () => {
        calls.n++;
        const row = await d1
          .prepare("SELECT user_id, level FROM profiles WHERE tenant_id = ? AND user_id = ?")
          .bind(tenantId, userId)
          .first<{ user_id: string; level: string }>();
        if (!row) throw new ApiError(404, "not_found", "Not found.");
        return v.parse(ProfileSchema, { userId: row.user_id, level: row.level });
      },
    },
  };
}

describe("readThrough", () => {
  it("reads D1, refreshes the snapshot, and serves the latest snapshot degraded when D1 fails", async () => {
    const service = "fb-refresh";
    const { options } = profileReader(service, "acme", "u1");
    await setLevel("acme", "u1", "none");
    expect(await readThrough(options)).toEqual({ value: { userId: "u1", level: "none" }, degraded: false });

    await setLevel("acme", "u1", "struggling");
    expect(await readThrough(options)).toEqual({ value: { userId: "u1", level: "struggling" }, degraded: false });

    await controlD1Faults(env, service, { mode: "fail" });
    const degraded = await readThrough(options);
    expect(degraded).toMatchObject({ value: { userId: "u1", level: "struggling" }, degraded: true });
    expect(degraded.snapshotAt).toEqual(expect.any(Number));
    await controlD1Faults(env, service, { mode: "off" });
  });

  it("serves the snapshot when D1 is too slow", async () => {
    const service = "fb-slow";
    const { options } = profileReader(service, "acme", "u2");
    await setLevel("acme", "u2", "watch");
    await readThrough(options);
    await controlD1Faults(env, service, { mode: "slow", delayMs: 1_000 });
    expect(await readThrough({ ...options, timeoutMs: 50 })).toMatchObject({
      value: { level: "watch" },
      degraded: true,
    });
    await controlD1Faults(env, service, { mode: "off" });
  });

  it("answers 503 with Retry-After when D1 fails and there is no snapshot", async () => {
    const service = "fb-none";
    const { options } = profileReader(service, "acme", "nobody-yet");
    await controlD1Faults(env, service, { mode: "fail" });
    const error = await readThrough(options).then(
      () => undefined,
      (e: unknown) => e,
    );
    const response = errorToResponse(error);
    expect(response.status).toBe(503);
    expect(Number(response.headers.get("Retry-After"))).toBeGreaterThanOrEqual(1);
    expect(await response.json()).toEqual({ error: { code: "d1_unavailable", message: expect.any(String) } });
    await controlD1Faults(env, service, { mode: "off" });
  });

  it("lets the read's own 4xx through instead of falling back", async () => {
    const { options } = profileReader("fb-404", "acme", "missing");
    await expect(readThrough(options)).rejects.toMatchObject({ status: 404, code: "not_found" });
  });

  it("ignores a snapshot that does not match the schema", async () => {
    const service = "fb-bad-snapshot";
    const { options } = profileReader(service, "acme", "u3");
    await env.SNAPSHOTS.put(options.key, JSON.stringify({ at: 1, value: { userId: "u3", level: "bogus" } }));
    await controlD1Faults(env, service, { mode: "fail" });
    await expect(readThrough(options)).rejects.toMatchObject({ status: 503 });
    await controlD1Faults(env, service, { mode: "off" });
  });

  it("stops asking D1 while the breaker is open and asks again once it half-opens", async () => {
    const service = "fb-breaker";
    let now = 1_000_000;
    const breaker = breakerFor(service, "DB", { failureThreshold: 2, cooldownMs: 10_000, now: () => now });
    const calls = { n: 0 };
    const { options } = profileReader(service, "acme", "u4", calls);
    await setLevel("acme", "u4", "watch");
    await readThrough(options);
    expect(calls.n).toBe(1);

    await controlD1Faults(env, service, { mode: "fail" });
    await readThrough(options);
    await readThrough(options);
    expect(breaker.state).toBe("open");
    expect(calls.n).toBe(3);
    // Open: served from the snapshot without touching D1.
    expect(await readThrough(options)).toMatchObject({ degraded: true });
    expect(calls.n).toBe(3);

    // D1 comes back by itself (turning the fault off would also reset the breaker).
    await env.SNAPSHOTS.delete(`${FAULTS_KEY}:${service}`);
    expect(await readThrough(options)).toMatchObject({ degraded: true });
    now += 10_000;
    expect(breaker.state).toBe("half-open");
    expect(await readThrough(options)).toMatchObject({ degraded: false });
    expect(calls.n).toBe(4);
    expect(breaker.state).toBe("closed");
  });

  it("refuses a snapshot key that does not start with the tenant id", async () => {
    const { options } = profileReader("fb-key", "acme", "u5");
    await expect(readThrough({ ...options, key: "other:profile:u5" })).rejects.toThrow(/tenant id/);
  });
});

describe("responses and snapshots", () => {
  it("marks a degraded response read-only", async () => {
    const marked = markDegraded(Response.json({ a: 1 }, { status: 200, headers: { "x-other": "kept" } }));
    expect(marked.headers.get(DEGRADED_HEADER)).toBe("read-only");
    expect(marked.headers.get("x-other")).toBe("kept");
    expect(await marked.json()).toEqual({ a: 1 });
    expect(readThroughResponse({ value: 1, degraded: false }).headers.has(DEGRADED_HEADER)).toBe(false);
    expect(readThroughResponse({ value: 1, degraded: true }).headers.get(DEGRADED_HEADER)).toBe("read-only");
  });

  it("erases a learner's snapshots by prefix and nobody else's", async () => {
    await env.SNAPSHOTS.put(snapshotKey("erase", "u1", "profile"), "{}");
    await env.SNAPSHOTS.put(snapshotKey("erase", "u1", "sessions"), "{}");
    await env.SNAPSHOTS.put(snapshotKey("erase", "u10", "profile"), "{}");
    expect(await deleteSnapshots(env.SNAPSHOTS, "erase:u1:")).toBe(2);
    expect((await env.SNAPSHOTS.list({ prefix: "erase:" })).keys.map((k) => k.name)).toEqual(["erase:u10:profile"]);
  });
});

describe("readThrough over an unguarded binding", () => {
  it("opens the breaker on failures and closes it with the half-open read", async () => {
    const service = "fb-unguarded";
    let now = 0;
    const breaker = breakerFor(service, "DB", { failureThreshold: 1, cooldownMs: 1_000, now: () => now });
    const down = { value: true };
    const options = {
      service,
      kv: env.SNAPSHOTS,
      key: snapshotKey("acme", "unguarded"),
      schema: v.number(),
      read: async () => {
        if (down.value) throw new Error("D1_ERROR: injected outage");
        return 42;
      },
    };
    await env.SNAPSHOTS.put(options.key, JSON.stringify({ at: 1, value: 41 }));
    expect(await readThrough(options)).toMatchObject({ value: 41, degraded: true });
    expect(breaker.state).toBe("open");
    down.value = false;
    now = 1_000;
    expect(await readThrough(options)).toEqual({ value: 42, degraded: false });
    expect(breaker.state).toBe("closed");
  });
});
