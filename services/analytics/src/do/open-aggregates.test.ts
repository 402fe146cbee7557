import { runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { parseWith } from "@atomic-guide/shared";
import { type MetricSample, MetricsBatchSchema } from "@atomic-guide/shared/metrics/schema";
import { describe, expect, it } from "vitest";
import { futureMinute } from "../testing/future-minutes";
import { requestSample } from "../testing/metric-samples";
import { MetricsBufferDO } from "./metrics-buffer";
import { OpenAggregates } from "./open-aggregates";

const MINUTE = futureMinute();
const NEXT = futureMinute(1);
const at = (second: number, minute = MINUTE) => `${minute}:${String(second).padStart(2, "0")}.000Z`;

type RequestOver = Partial<Extract<MetricSample, { kind: "request" }>>;
const request = (durationMs: number, over: RequestOver = {}): MetricSample =>
  requestSample(durationMs, { at: at(30), ...over });
const query = (durationMs: number, ok = true): MetricSample => ({
  kind: "query",
  service: "chat",
  name: "chat.history",
  durationMs,
  rowsRead: 5,
  rowsWritten: 1,
  ok,
  at: at(1),
});

/** Each test its own object, so counts stay its own. */
const bufferNamed = (name: string) => env.METRICS_BUFFER.get(env.METRICS_BUFFER.idFromName(`metrics:${name}`));
const add = (name: string, samples: MetricSample[]) =>
  bufferNamed(name).add(parseWith(MetricsBatchSchema, { service: "chat", samples, at: at(59) }));

describe("running aggregates in the metrics buffer", () => {
  it("split by tenant, route and minute; count 5xx as errors; sum attributed D1 time", async () => {
    await add("agg-split", [request(10, { status: 500, d1Ms: 3 }), request(20, { status: 404, d1Ms: 4 })]);
    await add("agg-split", [
      request(30, { tenantId: undefined }),
      request(40, { at: at(0, NEXT) }),
      request(50, { route: "/api/chat/conversations" }),
      request(60),
    ]);
    const open = await bufferNamed("agg-split").openRollups(MINUTE, NEXT);
    expect(open.requests).toHaveLength(4);
    const main = open.requests.find(
      (r) => r.tenant_id === "acme" && r.minute === MINUTE && r.route === "/api/chat/message",
    );
    expect(main).toMatchObject({ count: 3, errors: 1, max_ms: 60, total_ms: 90, d1_ms: 7, d1_count: 2 });
    expect(open.requests.find((r) => r.tenant_id === "-")).toMatchObject({ count: 1, minute: MINUTE });
    expect(open.requests.find((r) => r.minute === NEXT)).toMatchObject({ count: 1, max_ms: 40 });
    const acme = await bufferNamed("agg-split").openRollups(MINUTE, MINUTE, "acme");
    expect(acme.requests.map((r) => r.count).toSorted()).toEqual([1, 3]);
  });

  it("roll up queries with rows read and written and failures", async () => {
    await add("agg-queries", [query(1), query(2)]);
    await add("agg-queries", [query(3, false)]);
    const open = await bufferNamed("agg-queries").openRollups(MINUTE, MINUTE);
    expect(open.queries).toEqual([
      expect.objectContaining({ name: "chat.history", count: 3, errors: 1, rows_read: 15, rows_written: 3, max_ms: 3 }),
    ]);
  });

  it("give percentiles from the histogram within a bucket of exact, and the rollup exact ones", async () => {
    // 1..100 ms in shuffled order over five batches.
    const durations = Array.from({ length: 100 }, (_, i) => ((i * 37) % 100) + 1);
    for (let b = 0; b < 5; b++)
      await add(
        "agg-percentiles",
        durations.slice(b * 20, b * 20 + 20).map((d) => request(d)),
      );
    const [open] = (await bufferNamed("agg-percentiles").openRollups(MINUTE, MINUTE)).requests;
    expect(open?.count).toBe(100);
    expect(Math.abs((open?.p50_ms ?? 0) - 50) / 50).toBeLessThan(0.06);
    expect(Math.abs((open?.p95_ms ?? 0) - 95) / 95).toBeLessThan(0.06);
    const closed = await runInDurableObject(bufferNamed("agg-percentiles"), (_instance: MetricsBufferDO, state) =>
      new OpenAggregates(state.storage.sql).closed(MINUTE),
    );
    expect(closed.requests).toEqual([expect.objectContaining({ count: 100, p50_ms: 50, p95_ms: 95, p99_ms: 99 })]);
  });

  it("are forgotten once their minute is rolled up, and kept for minutes still open", async () => {
    await add("agg-forget", [request(10), request(20, { at: at(5, NEXT) })]);
    await runInDurableObject(bufferNamed("agg-forget"), async (instance: MetricsBufferDO, state) => {
      await state.storage.deleteAlarm();
      return instance.flush(Date.parse(`${NEXT}:30.000Z`));
    });
    const open = await bufferNamed("agg-forget").openRollups(MINUTE, NEXT);
    expect(open.requests).toEqual([expect.objectContaining({ minute: NEXT, count: 1 })]);
  });

  it("are rebuilt from the buffered samples when the object starts again", async () => {
    await add("agg-restart", [request(10), request(20, { status: 502 }), query(4)]);
    await add("agg-restart", [request(30, { tenantId: "globex" })]);
    const rebuilt = await runInDurableObject(bufferNamed("agg-restart"), (_instance: MetricsBufferDO, state) =>
      // A new instance over the same storage: what an evicted object finds when it wakes.
      new MetricsBufferDO(state, env).openRollups(MINUTE, MINUTE),
    );
    expect(rebuilt.requests).toEqual([
      expect.objectContaining({ tenant_id: "acme", count: 2, errors: 1, max_ms: 20, total_ms: 30 }),
      expect.objectContaining({ tenant_id: "globex", count: 1, max_ms: 30 }),
    ]);
    expect(rebuilt.queries).toEqual([expect.objectContaining({ count: 1, max_ms: 4, rows_read: 5 })]);
  });

  it("are built from samples stored before the grp and duration columns, which gain them", async () => {
    await add("agg-upgrade", [request(10), request(20, { status: 502 }), query(4)]);
    const { rebuilt, unfilled } = await runInDurableObject(bufferNamed("agg-upgrade"), (_i: MetricsBufferDO, state) => {
      // The state an object written by an early version is in: samples without those columns.
      state.storage.sql.exec("UPDATE pending SET grp = NULL, duration = NULL");
      const rebuilt = new MetricsBufferDO(state, env).openRollups(MINUTE, MINUTE);
      const unfilled = state.storage.sql
        .exec<{ n: number }>("SELECT count(*) AS n FROM pending WHERE grp IS NULL OR duration IS NULL")
        .one().n;
      return { rebuilt, unfilled };
    });
    expect((await rebuilt).requests).toEqual([expect.objectContaining({ count: 2, errors: 1, max_ms: 20 })]);
    expect((await rebuilt).queries).toEqual([expect.objectContaining({ count: 1, max_ms: 4 })]);
    expect(unfilled).toBe(0);
  });

  it("drop an erased tenant's open groups and keep the others'", async () => {
    await add("agg-erase", [request(10), request(20, { tenantId: "globex" })]);
    expect(await bufferNamed("agg-erase").eraseTenant("acme")).toBe(1);
    const open = await bufferNamed("agg-erase").openRollups(MINUTE, MINUTE);
    expect(open.requests).toEqual([expect.objectContaining({ tenant_id: "globex", count: 1 })]);
    expect((await bufferNamed("agg-erase").openRollups(MINUTE, MINUTE, "acme")).requests).toEqual([]);
  });
});
