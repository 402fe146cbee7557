import { createExecutionContext, runInDurableObject, waitOnExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { encodeAuthContext, handleWithEnvelope, tagRequestTenant } from "@atomic-guide/shared";
import { capturingSink } from "@atomic-guide/shared/metrics/capturing-sink";
import { withD1Metrics } from "@atomic-guide/shared/metrics/d1-metrics";
import { queryName } from "@atomic-guide/shared/metrics/query-name";
import {
  flushMetrics,
  type MetricsSink,
  metricsSendSettled,
  metricsStats,
  resetMetricsBackoff,
  SEND_AT_SAMPLES,
} from "@atomic-guide/shared/metrics/recorder";
import { observeRpc } from "@atomic-guide/shared/metrics/rpc-metrics";
import { beforeEach, describe, expect, it } from "vitest";
import { compileOnly } from "../db/access";
import type { MetricsBufferDO } from "../do/metrics-buffer";
import { router } from "../routes";
import { localMetricsSink, metricsBufferFor } from "./sink";

// The shared instrumentation (packages/shared/src/metrics, http.ts), exercised inside workerd.

/** Analytics unreachable: the binding call fails the way a dead service binding does. */
const unreachable: MetricsSink = {
  recordMetrics: () => Promise.reject(new Error("Network connection lost.")),
};

async function drain() {
  // A send an earlier test scheduled would otherwise take this test's samples to its sink.
  await metricsSendSettled();
  const ctx = createExecutionContext();
  flushMetrics("chat", { env: {}, ctx, sink: capturingSink().sink });
  await waitOnExecutionContext(ctx);
  resetMetricsBackoff();
}

const instructor = encodeAuthContext({
  tenantId: "acme",
  userId: "teacher-1",
  roles: [],
  isInstructor: true,
  contextId: "course-9",
});

describe("request metrics (handleWithEnvelope)", () => {
  beforeEach(drain);

  it("records the route template, status, tenant and D1 time, never the raw path", async () => {
    const ctx = createExecutionContext();
    const request = new Request("http://analytics/api/courses/course-9/insights", {
      headers: { "X-Atomic-Auth": instructor },
    });
    const response = await handleWithEnvelope("analytics", request, { env, ctx, metrics: localMetricsSink(env) }, (h) =>
      router.fetch(request, env, ctx, h),
    );
    expect(response.status).toBe(200);
    await waitOnExecutionContext(ctx);

    const flushed = await runInDurableObject(metricsBufferFor(env, "analytics"), (instance: MetricsBufferDO) =>
      instance.flush(Date.now() + 5 * 60_000),
    );
    expect(flushed.rawWritten).toBeGreaterThan(1);
    const rows = await env.DB.prepare(
      "SELECT tenant_id, route, method, status, d1_ms FROM request_samples WHERE service = 'analytics'",
    ).all<{ tenant_id: string; route: string; method: string; status: number; d1_ms: number | null }>();
    expect(rows.results).toEqual([
      {
        tenant_id: "acme",
        route: "/api/courses/:contextId/insights",
        method: "GET",
        status: 200,
        d1_ms: expect.any(Number),
      },
    ]);
    // Its D1 queries were measured under their names.
    const names = await env.DB.prepare("SELECT DISTINCT name FROM query_samples WHERE service = 'analytics'").all<{
      name: string;
    }>();
    expect(names.results.map((r) => r.name)).toEqual(
      expect.arrayContaining(["insight.hotSpots", "insight.roster", "audit.insert"]),
    );
    const rollup = await env.DB.prepare(
      "SELECT count, errors FROM request_rollups WHERE route = '/api/courses/:contextId/insights'",
    ).first();
    expect(rollup).toEqual({ count: 1, errors: 0 });
  });

  it("files unmatched requests under one name and errors under their status", async () => {
    const { sink, batches } = capturingSink();
    const ctx = createExecutionContext();
    const request = new Request("http://analytics/secret/path/42");
    const response = await handleWithEnvelope("analytics", request, { env, ctx, metrics: sink }, async () => {
      throw new Error("boom");
    });
    expect(response.status).toBe(500);
    await waitOnExecutionContext(ctx);
    expect(batches[0]?.samples).toEqual([
      expect.objectContaining({ kind: "request", route: "(unmatched)", status: 500, method: "GET" }),
    ]);
    expect(JSON.stringify(batches)).not.toContain("secret");
  });

  it("takes the tenant a handler established (the gateway verifies tokens itself)", async () => {
    const { sink, batches } = capturingSink();
    const ctx = createExecutionContext();
    const request = new Request("http://gateway/api/chat/message", { method: "POST" });
    await handleWithEnvelope("lti-gateway", request, { env: {}, ctx, metrics: sink }, async () => {
      tagRequestTenant(request, "acme");
      return new Response("ok");
    });
    await waitOnExecutionContext(ctx);
    expect(batches[0]?.samples).toEqual([
      expect.objectContaining({ service: "lti-gateway", tenantId: "acme", method: "POST", status: 200 }),
    ]);
  });

  it("answers normally when analytics is down, drops the samples and counts them", async () => {
    const before = metricsStats().droppedTotal;
    const ctx = createExecutionContext();
    const request = new Request("http://chat/api/chat/conversations");
    const response = await handleWithEnvelope("chat", request, { env: {}, ctx, metrics: unreachable }, async () =>
      Response.json({ ok: true }),
    );
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ ok: true });
    await waitOnExecutionContext(ctx);
    expect(metricsStats().droppedTotal).toBe(before + 1);

    // While backing off, nothing is attempted: the next sample is dropped at once.
    const { sink, batches } = capturingSink();
    const ctx2 = createExecutionContext();
    await handleWithEnvelope("chat", request, { env: {}, ctx: ctx2, metrics: sink }, async () => new Response("ok"));
    await waitOnExecutionContext(ctx2);
    expect(batches).toEqual([]);
    expect(metricsStats().droppedTotal).toBe(before + 2);

    // Once analytics answers again, the count travels with the next batch.
    resetMetricsBackoff();
    const ctx3 = createExecutionContext();
    await handleWithEnvelope("chat", request, { env: {}, ctx: ctx3, metrics: sink }, async () => new Response("ok"));
    await waitOnExecutionContext(ctx3);
    expect(batches).toHaveLength(1);
    expect(batches[0]?.dropped).toBe(2);
    expect(batches[0]?.samples).toHaveLength(1);
  });

  it("sends the samples of requests that end together in one RPC, from the first one's waitUntil", async () => {
    const { sink, batches } = capturingSink();
    const ctxs = [createExecutionContext(), createExecutionContext(), createExecutionContext()];
    // Started together: their handlers settle in microtasks, before any timer can fire.
    await Promise.all(
      ctxs.map((ctx, i) =>
        handleWithEnvelope("chat", new Request(`http://chat/r${i}`), { env: {}, ctx, metrics: sink }, async () =>
          Response.json({ i }),
        ),
      ),
    );
    expect(batches).toEqual([]);
    await waitOnExecutionContext(ctxs[0] as ExecutionContext);
    expect(batches).toHaveLength(1);
    expect(batches[0]?.samples).toHaveLength(3);
  });

  it("sends a full buffer at once, without waiting for the send already scheduled", async () => {
    const { sink, batches } = capturingSink();
    const first = createExecutionContext();
    await handleWithEnvelope("chat", new Request("http://chat/one"), { env: {}, ctx: first, metrics: sink }, async () =>
      Response.json({}),
    );
    const burst = createExecutionContext();
    await Promise.all(
      Array.from({ length: SEND_AT_SAMPLES }, (_, i) =>
        handleWithEnvelope("chat", new Request(`http://chat/b${i}`), { env: {}, ctx: burst, metrics: sink }, async () =>
          Response.json({}),
        ),
      ),
    );
    await waitOnExecutionContext(burst);
    expect(batches.map((b) => b.samples.length)).toEqual([SEND_AT_SAMPLES + 1]);
    await waitOnExecutionContext(first);
    expect(batches).toHaveLength(1);
  });

  it("drops and counts when the service has no ANALYTICS binding at all", async () => {
    const before = metricsStats().droppedTotal;
    const ctx = createExecutionContext();
    const response = await handleWithEnvelope(
      "chat",
      new Request("http://chat/x"),
      { env: {}, ctx },
      async () => new Response("ok"),
    );
    expect(response.status).toBe(200);
    await waitOnExecutionContext(ctx);
    expect(metricsStats().droppedTotal).toBe(before + 1);
  });
});

describe("D1 query metrics (withD1Metrics)", () => {
  beforeEach(drain);

  it("names each query by its comment and records rows read and written, failures included", async () => {
    const db = withD1Metrics(env.DB, env, "chat");
    await db
      .prepare("INSERT INTO metrics_dropped (service, minute, dropped) VALUES (?, ?, ?) /* probe.insert */")
      .bind("chat", "2020-01-01T00:00", 1)
      .run();
    const read = await db
      .prepare("SELECT * FROM metrics_dropped WHERE service = ? /* probe.read */")
      .bind("chat")
      .all();
    expect(read.results).toHaveLength(1);
    const batched = await db.batch([
      db.prepare("SELECT 1 AS one /* probe.batchA */"),
      db.prepare(`SELECT * FROM metrics_dropped${queryName("probe.batchB").compile(compileOnly).sql}`),
    ]);
    await expect(db.prepare("SELECT * FROM no_such_table").all()).rejects.toThrow();
    await db.prepare("SELECT count(*) AS n FROM metrics_dropped").first();

    const { sink, batches } = capturingSink();
    const ctx = createExecutionContext();
    flushMetrics("chat", { env: {}, ctx, sink });
    await waitOnExecutionContext(ctx);
    const samples = batches.flatMap((b) => b.samples);
    const byName = Object.fromEntries(samples.map((s) => [s.kind === "query" ? s.name : s.route, s]));
    expect(byName["probe.insert"]).toMatchObject({ kind: "query", service: "chat", ok: true, rowsWritten: 1 });
    expect(byName["probe.read"]).toMatchObject({ ok: true, rowsRead: 1 });
    expect(byName["probe.batchA"]).toMatchObject({ ok: true });
    expect(byName["probe.batchB"]).toMatchObject({ ok: true, rowsRead: 1 });
    expect(byName["~select:no_such_table"]).toMatchObject({ ok: false });
    expect(byName["~select:metrics_dropped"]).toMatchObject({ ok: true });
    // The database's own time where D1 reports it, not the Worker's wait.
    expect(byName["probe.read"]).toMatchObject({ durationMs: read.meta.duration });
    expect(byName["probe.batchB"]).toMatchObject({ durationMs: batched[1]?.meta.duration });
  });

  it("leaves a binding of an unknown service unmeasured", () => {
    expect(withD1Metrics(env.DB, env, "not-a-service")).toBe(env.DB);
  });
});

describe("RPC metrics (observeRpc)", () => {
  beforeEach(drain);

  it("records the method as route rpc:<name> with the error's status", async () => {
    const { sink, batches } = capturingSink();
    const ctx = createExecutionContext();
    const worker = { env: {}, ctx, sink };
    expect(await observeRpc("chat", "suggest", worker, "acme", async () => 42)).toBe(42);
    await expect(
      observeRpc("chat", "suggest", worker, "acme", async () => {
        throw Object.assign(new Error("nope"), { status: 429, code: "over_budget" });
      }),
    ).rejects.toMatchObject({ code: "over_budget" });
    await waitOnExecutionContext(ctx);
    const samples = batches.flatMap((b) => b.samples);
    expect(samples).toEqual([
      expect.objectContaining({ route: "rpc:suggest", method: "RPC", status: 200, tenantId: "acme" }),
      expect.objectContaining({ route: "rpc:suggest", method: "RPC", status: 429, tenantId: "acme" }),
    ]);
  });
});
