import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { NO_DATABASE, serviceHealth } from "./health";
import { breakerFor } from "./resilience/breaker";
import { controlD1Faults } from "./resilience/d1-faults";

beforeAll(async () => {
  await env.DB.batch([
    env.DB.prepare("CREATE TABLE d1_migrations (id INTEGER PRIMARY KEY AUTOINCREMENT, name TEXT UNIQUE)"),
    env.DB.prepare("INSERT INTO d1_migrations (name) VALUES ('0001_init.sql')"),
  ]);
});

const probes = (service?: string) => ({
  db: env.DB,
  kv: env.SNAPSHOTS,
  pingDurableObject: async () => "pong",
  ...(service ? { service, env } : {}),
});

describe("serviceHealth", () => {
  it("reports ok with the service's closed breaker", async () => {
    const health = await serviceHealth(probes("health-ok"));
    expect(health.status).toBe("ok");
    expect(health.d1?.status).toBe("ok");
    expect(health.breaker).toEqual([{ service: "health-ok", binding: "DB", state: "closed", consecutiveFailures: 0 }]);
  });

  it("is degraded while the service's breaker is open", async () => {
    const breaker = breakerFor("health-open", "DB", { failureThreshold: 1, cooldownMs: 60_000 });
    breaker.recordFailure("D1TimeoutError");
    const health = await serviceHealth(probes("health-open"));
    expect(health.status).toBe("degraded");
    expect(health.d1?.status).toBe("ok");
    expect(health.breaker?.[0]).toMatchObject({ state: "open", lastFailure: "D1TimeoutError", retryAfterSeconds: 60 });
    breaker.recordSuccess();
    expect((await serviceHealth(probes("health-open"))).status).toBe("ok");
  });

  it("sees injected D1 faults like any query does", async () => {
    await controlD1Faults(env, "health-faulty", { mode: "fail" });
    const health = await serviceHealth(probes("health-faulty"));
    expect(health.status).toBe("degraded");
    expect(health.d1).toMatchObject({ status: "down", detail: "unavailable" });
    await controlD1Faults(env, "health-faulty", { mode: "off" });
    expect((await serviceHealth(probes("health-faulty"))).d1?.status).toBe("ok");
  });

  it("keeps a d1 entry that says there is no database, and no breaker, for a Worker without D1", async () => {
    const { db: _none, ...withoutDb } = probes("health-no-d1");
    const health = await serviceHealth(withoutDb);
    expect(health).toEqual({
      status: "ok",
      d1: NO_DATABASE,
      kv: { status: "ok", latencyMs: expect.any(Number) },
      durableObject: { status: "ok", latencyMs: expect.any(Number) },
    });
  });

  it("keeps its old shape for callers that pass no service", async () => {
    const health = await serviceHealth({ ...probes(), version: "v1" });
    expect(health).toMatchObject({ status: expect.any(String), version: "v1", d1: { status: "ok" } });
  });
});

describe("serviceHealth as the half-open probe", () => {
  it("closes the service's half-open breaker when D1 answers, and leaves an open one alone", async () => {
    let now = 0;
    const breaker = breakerFor("health-probe", "DB", { failureThreshold: 1, cooldownMs: 1_000, now: () => now });
    breaker.recordFailure("outage");
    expect((await serviceHealth(probes("health-probe"))).breaker?.[0]?.state).toBe("open");
    now = 1_000;
    const health = await serviceHealth(probes("health-probe"));
    expect(health.breaker?.[0]?.state).toBe("closed");
    expect(health.status).toBe("ok");
  });
});
