import { env } from "cloudflare:workers";
import { Kysely } from "kysely";
import { describe, expect, it } from "vitest";
import { d1Dialect } from "../d1-dialect";
import { withD1Metrics } from "../metrics/d1-metrics";
import { breakerFor, breakerSnapshots, CircuitBreaker, resetBreakers } from "./breaker";
import { classifyD1Error, isReadOnlySql } from "./d1-errors";
import { withD1Breaker, withD1Resilience } from "./guarded-d1";
import { interceptD1 } from "./intercept-d1";

function clockedBreaker(
  options: {
    failureThreshold?: number;
    cooldownMs?: number;
    maxCooldownMs?: number;
    probeLimit?: number;
    probeTimeoutMs?: number;
  } = {},
) {
  const clock = { now: 0 };
  const breaker = new CircuitBreaker("svc", "DB", {
    failureThreshold: 3,
    cooldownMs: 1_000,
    maxCooldownMs: 4_000,
    probeLimit: 1,
    probeTimeoutMs: 1_000,
    ...options,
    now: () => clock.now,
  });
  return { clock, breaker };
}

describe("CircuitBreaker", () => {
  it("opens after consecutive failures only", () => {
    const { breaker } = clockedBreaker();
    breaker.recordFailure("x");
    breaker.recordFailure("x");
    breaker.recordSuccess();
    breaker.recordFailure("x");
    breaker.recordFailure("x");
    expect(breaker.state).toBe("closed");
    breaker.recordFailure("x");
    expect(breaker.state).toBe("open");
    expect(breaker.tryAcquire()).toBe(false);
    expect(breaker.snapshot()).toEqual({
      service: "svc",
      binding: "DB",
      state: "open",
      consecutiveFailures: 3,
      retryAfterSeconds: 1,
      lastFailure: "x",
    });
  });

  it("half-opens after the cooldown and lets exactly probeLimit probes through", () => {
    const { clock, breaker } = clockedBreaker({ failureThreshold: 1 });
    breaker.recordFailure();
    clock.now = 999;
    expect(breaker.state).toBe("open");
    clock.now = 1_000;
    expect(breaker.state).toBe("half-open");
    expect(breaker.tryAcquire()).toBe(true);
    expect(breaker.tryAcquire()).toBe(false);
    expect(breaker.rejecting).toBe(true);
    breaker.recordSuccess();
    expect(breaker.state).toBe("closed");
    expect(breaker.tryAcquire()).toBe(true);
  });

  it("reopens on a failed probe with a doubled cooldown, capped", () => {
    const { clock, breaker } = clockedBreaker({ failureThreshold: 1 });
    breaker.recordFailure();
    for (const [cooldown, next] of [
      [1_000, 2_000],
      [2_000, 4_000],
      [4_000, 4_000],
      [4_000, 4_000],
    ]) {
      clock.now += cooldown ?? 0;
      expect(breaker.tryAcquire()).toBe(true);
      breaker.recordFailure();
      expect(breaker.state).toBe("open");
      clock.now += (next ?? 0) - 1;
      expect(breaker.state).toBe("open");
      clock.now += 1;
      expect(breaker.state).toBe("half-open");
      clock.now -= next ?? 0;
    }
  });

  it("lets another probe through when one never reported back", () => {
    const { clock, breaker } = clockedBreaker({ failureThreshold: 1 });
    breaker.recordFailure();
    clock.now = 1_000;
    expect(breaker.tryAcquire()).toBe(true);
    clock.now = 1_999;
    expect(breaker.tryAcquire()).toBe(false);
    clock.now = 2_000;
    expect(breaker.tryAcquire()).toBe(true);
  });

  // The analytics wedge: after a minute-long outage the cooldown had grown to 60 s. Each read's
  // first query took the single probe, its parallel queries failed fast, the read answered 503
  // and its request ended, cancelling the probe before it reported; the slot stayed taken for a
  // whole cooldown, and the next read did the same, for as long as reads kept coming.
  it("gives a lost probe's slot back after probeTimeoutMs, however long the cooldown has grown", () => {
    const { clock, breaker } = clockedBreaker({ failureThreshold: 1, cooldownMs: 60_000, maxCooldownMs: 60_000 });
    breaker.recordFailure();
    clock.now = 60_000;
    expect(breaker.tryAcquire()).toBe(true); // a probe whose request is then cancelled
    clock.now = 60_999;
    expect(breaker.tryAcquire()).toBe(false);
    clock.now = 61_000;
    expect(breaker.tryAcquire()).toBe(true);
  });

  it("lets a read's parallel queries probe together, and any success closes it", () => {
    const { clock, breaker } = clockedBreaker({ failureThreshold: 1, probeLimit: 6 });
    breaker.recordFailure();
    clock.now = 1_000;
    const granted = Array.from({ length: 7 }, () => breaker.tryAcquire());
    expect(granted).toEqual([true, true, true, true, true, true, false]);
    breaker.recordSuccess();
    expect(breaker.state).toBe("closed");
    expect(breaker.tryAcquire()).toBe(true);
  });

  it("takes new timings from configure without losing its state", () => {
    const { clock, breaker } = clockedBreaker({ failureThreshold: 1, cooldownMs: 60_000, maxCooldownMs: 60_000 });
    breaker.recordFailure();
    breaker.configure({ cooldownMs: 100, maxCooldownMs: 400 });
    expect(breaker.state).toBe("open");
    clock.now = 400;
    expect(breaker.state).toBe("half-open");
  });

  it("is shared per service and binding and listed for /health", () => {
    expect(breakerFor("listed", "DB")).toBe(breakerFor("listed"));
    expect(breakerFor("listed", "DB_ACME")).not.toBe(breakerFor("listed"));
    expect(breakerSnapshots("listed").map((b) => `${b.binding}:${b.state}`)).toEqual(["DB:closed", "DB_ACME:closed"]);
  });
});

describe("D1 error classes", () => {
  it("separates transient, caller and outage errors", () => {
    expect(classifyD1Error(new Error("D1_ERROR: Network connection lost."))).toBe("transient");
    expect(classifyD1Error(new Error("D1_ERROR: UNIQUE constraint failed: t.id: SQLITE_CONSTRAINT"))).toBe("caller");
    expect(classifyD1Error(new Error('D1_ERROR: near "SELEC": syntax error'))).toBe("caller");
    expect(classifyD1Error(new Error("D1_ERROR: Database is overloaded"))).toBe("outage");
  });

  it("knows read-only statements", () => {
    expect(isReadOnlySql("  select 1")).toBe(true);
    expect(isReadOnlySql("WITH x AS (SELECT 1) SELECT * FROM x")).toBe(true);
    expect(isReadOnlySql("WITH x AS (SELECT 1) INSERT INTO t SELECT * FROM x")).toBe(false);
    expect(isReadOnlySql("INSERT INTO t VALUES (1)")).toBe(false);
  });
});

/** env.DB behind a switch: `mode` decides what the next call does. */
function flakyD1(state: { mode: "ok" | "down" | "transient-once"; calls: number }) {
  return interceptD1(env.DB, async (_call, run) => {
    state.calls++;
    if (state.mode === "down") throw new Error("D1_ERROR: injected outage");
    if (state.mode === "transient-once") {
      state.mode = "ok";
      throw new Error("Network connection lost.");
    }
    return run();
  });
}

describe("withD1Breaker", () => {
  it("turns an outage into 503s, then fails fast without calling D1 while open", async () => {
    const state = { mode: "down" as "ok" | "down" | "transient-once", calls: 0 };
    let now = 0;
    const d1 = withD1Breaker(flakyD1(state), "guard-open", "DB", {
      breaker: { failureThreshold: 2, cooldownMs: 5_000, now: () => now },
    });
    for (let i = 0; i < 2; i++) {
      await expect(d1.prepare("SELECT 1").first()).rejects.toMatchObject({ status: 503, code: "d1_unavailable" });
    }
    const callsWhenOpened = state.calls;
    const fast = await d1
      .prepare("SELECT 1")
      .first()
      .catch((e: unknown) => e);
    expect(fast).toMatchObject({ status: 503, headers: { "Retry-After": "5" } });
    expect(state.calls).toBe(callsWhenOpened);

    state.mode = "ok";
    now = 5_000;
    expect(await d1.prepare("SELECT 7 AS n").first("n")).toBe(7);
    expect(breakerFor("guard-open").state).toBe("closed");
  });

  it("answers a read of parallel queries once D1 is back, on the first try after the cooldown", async () => {
    const state = { mode: "down" as "ok" | "down" | "transient-once", calls: 0 };
    let now = 0;
    const d1 = withD1Breaker(flakyD1(state), "guard-parallel", "DB", {
      breaker: { failureThreshold: 1, cooldownMs: 1_000, now: () => now },
    });
    await d1
      .prepare("SELECT 1")
      .first()
      .catch(() => undefined);
    state.mode = "ok";
    now = 1_000;
    const read = () => Promise.all([1, 2, 3, 4, 5, 6].map((n) => d1.prepare(`SELECT ${n} AS n`).first("n")));
    expect(await read()).toEqual([1, 2, 3, 4, 5, 6]);
    expect(breakerFor("guard-parallel").state).toBe("closed");
  });

  it("takes breaker timings from the Worker's vars", () => {
    const state = { mode: "ok" as "ok" | "down" | "transient-once", calls: 0 };
    withD1Resilience(
      flakyD1(state),
      { D1_BREAKER_COOLDOWN_MS: "250", D1_BREAKER_MAX_COOLDOWN_MS: "1000" },
      "guard-env",
    );
    expect(breakerFor("guard-env").options).toMatchObject({ cooldownMs: 250, maxCooldownMs: 1_000 });
    withD1Resilience(flakyD1(state), { D1_BREAKER_COOLDOWN_MS: "soon" }, "guard-env-bad");
    expect(breakerFor("guard-env-bad").options.cooldownMs).toBe(5_000);
  });

  it("closes for a wrapper made before resetBreakers, without waiting out the cooldown", async () => {
    const state = { mode: "down" as "ok" | "down" | "transient-once", calls: 0 };
    // tenantDb caches its wrapper per binding, so a reset must reach wrappers that already exist.
    const d1 = withD1Breaker(flakyD1(state), "guard-reset", "DB", {
      breaker: { failureThreshold: 2, cooldownMs: 60_000 },
    });
    for (let i = 0; i < 2; i++)
      await d1
        .prepare("SELECT 1")
        .first()
        .catch(() => undefined);
    expect(breakerFor("guard-reset").state).toBe("open");
    state.mode = "ok";
    resetBreakers("guard-reset");
    expect(await d1.prepare("SELECT 3 AS n").first("n")).toBe(3);
    expect(breakerFor("guard-reset").state).toBe("closed");
  });

  it("retries reads on transient errors but never writes", async () => {
    const state = { mode: "transient-once" as "ok" | "down" | "transient-once", calls: 0 };
    const d1 = withD1Breaker(flakyD1(state), "guard-retry");
    expect(await d1.prepare("SELECT 1 AS n").first("n")).toBe(1);
    expect(state.calls).toBe(2);

    await env.DB.prepare("CREATE TABLE IF NOT EXISTS guard_writes (v TEXT NOT NULL)").run();
    state.mode = "transient-once";
    state.calls = 0;
    await expect(d1.prepare("INSERT INTO guard_writes (v) VALUES ('x')").run()).rejects.toMatchObject({ status: 503 });
    expect(state.calls).toBe(1);
  });

  it("passes statement errors through and keeps the breaker closed", async () => {
    const d1 = withD1Breaker(env.DB, "guard-caller", "DB", { breaker: { failureThreshold: 1 } });
    await expect(d1.prepare("SELEC nonsense").run()).rejects.toThrow(/syntax error/);
    expect(breakerFor("guard-caller").state).toBe("closed");
  });

  it("guards batches, sessions and exec too", async () => {
    const state = { mode: "down" as "ok" | "down" | "transient-once", calls: 0 };
    const d1 = withD1Breaker(flakyD1(state), "guard-surface", "DB", { breaker: { failureThreshold: 10 } });
    await expect(d1.batch([d1.prepare("SELECT 1")])).rejects.toMatchObject({ status: 503 });
    await expect(d1.withSession().prepare("SELECT 1").all()).rejects.toMatchObject({ status: 503 });
    await expect(d1.exec("SELECT 1")).rejects.toMatchObject({ status: 503 });
    state.mode = "ok";
    const [a, b] = await d1.batch([d1.prepare("SELECT 1 AS n"), d1.prepare("SELECT ? AS n").bind(2)]);
    expect([a?.results, b?.results]).toEqual([[{ n: 1 }], [{ n: 2 }]]);
    expect(await d1.prepare("SELECT 3 AS n").raw()).toEqual([[3]]);
    expect(await d1.prepare("SELECT 3 AS n").raw({ columnNames: true })).toEqual([["n"], [3]]);
  });
});

describe("the guarded binding in the tenantDb pipeline", () => {
  it("serves kysely and batches through the metrics layer above it", async () => {
    const d1 = withD1Metrics(withD1Resilience(env.DB, env, "chat"), env, "chat");
    const db = new Kysely<{ pipeline_rows: { v: string } }>({ dialect: d1Dialect(d1) });
    await d1.prepare("CREATE TABLE IF NOT EXISTS pipeline_rows (v TEXT NOT NULL)").run();
    await d1.batch([
      d1.prepare("INSERT INTO pipeline_rows (v) VALUES (?)").bind("a"),
      d1.prepare("INSERT INTO pipeline_rows (v) VALUES (?)").bind("b"),
    ]);
    const rows = await db.selectFrom("pipeline_rows").select("v").orderBy("v").execute();
    expect(rows).toEqual([{ v: "a" }, { v: "b" }]);
  });
});
