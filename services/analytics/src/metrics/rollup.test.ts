import type { QuerySample, RequestSample } from "@atomic-guide/shared/metrics/schema";
import { describe, expect, it } from "vitest";
import { histogramOf, histogramPercentile, percentile } from "./histogram";
import { mergeRollup, rollupQueries, rollupRequests } from "./rollup";

const request = (durationMs: number, over: Partial<RequestSample> = {}): RequestSample => ({
  kind: "request",
  service: "chat",
  route: "/api/chat/message",
  method: "POST",
  status: 200,
  durationMs,
  tenantId: "acme",
  at: "2026-11-24T10:00:30.000Z",
  ...over,
});

describe("per-minute rollups", () => {
  it("gives exact nearest-rank percentiles on known data", () => {
    // 1..100 ms, shuffled: p50 = 50, p95 = 95, p99 = 99.
    const durations = Array.from({ length: 100 }, (_, i) => ((i * 37) % 100) + 1);
    const [row] = rollupRequests(durations.map((d) => request(d)));
    expect(row).toMatchObject({
      tenant_id: "acme",
      service: "chat",
      route: "/api/chat/message",
      minute: "2026-11-24T10:00",
      count: 100,
      errors: 0,
      p50_ms: 50,
      p95_ms: 95,
      p99_ms: 99,
      max_ms: 100,
      total_ms: 5050,
    });
  });

  it("splits by tenant, route and minute, and counts 5xx as errors", () => {
    const rows = rollupRequests([
      request(10, { status: 500 }),
      request(20, { status: 404 }),
      request(30, { tenantId: undefined }),
      request(40, { at: "2026-11-24T10:01:00.000Z" }),
      request(50, { route: "/api/chat/conversations" }),
    ]);
    expect(rows).toHaveLength(4);
    const main = rows.find(
      (r) => r.tenant_id === "acme" && r.minute === "2026-11-24T10:00" && r.route === "/api/chat/message",
    );
    expect(main).toMatchObject({ count: 2, errors: 1 });
    expect(rows.find((r) => r.tenant_id === "-")).toMatchObject({ count: 1 });
  });

  it("sums attributed D1 time and counts how many requests had one", () => {
    const [row] = rollupRequests([request(10, { d1Ms: 3 }), request(20, { d1Ms: 4 }), request(30)]);
    expect(row).toMatchObject({ d1_ms: 7, d1_count: 2 });
  });

  it("rolls up queries with rows read and written and failures", () => {
    const q = (durationMs: number, ok = true): QuerySample => ({
      kind: "query",
      service: "chat",
      name: "chat.history",
      durationMs,
      rowsRead: 5,
      rowsWritten: 1,
      ok,
      at: "2026-11-24T10:00:01.000Z",
    });
    const [row] = rollupQueries([q(1), q(2), q(3, false)]);
    expect(row).toMatchObject({ count: 3, errors: 1, rows_read: 15, rows_written: 3, p50_ms: 2, max_ms: 3 });
  });

  it("merges late samples into a stored minute through histograms", () => {
    const [stored] = rollupRequests(Array.from({ length: 90 }, () => request(10)));
    const [late] = rollupRequests(Array.from({ length: 10 }, () => request(1000, { status: 503 })));
    if (!stored || !late) throw new Error("rollups missing");
    const merged = mergeRollup(stored, late);
    expect(merged).toMatchObject({ count: 100, errors: 10, max_ms: 1000, total_ms: 10_900 });
    expect(merged.p50_ms).toBeGreaterThan(9.5);
    expect(merged.p50_ms).toBeLessThan(10.5);
    expect(merged.p95_ms).toBeGreaterThan(950);
    expect(merged.p95_ms).toBeLessThanOrEqual(1000);
  });
});

describe("histogram percentiles", () => {
  it("stay within a bucket (about 5%) of the exact value", () => {
    const values = Array.from({ length: 1000 }, (_, i) => (i + 1) * 0.7);
    const sorted = values.toSorted((a, b) => a - b);
    const h = histogramOf(values);
    for (const p of [50, 95, 99]) {
      const exact = percentile(sorted, p);
      const estimate = histogramPercentile(h, p, 700);
      expect(Math.abs(estimate - exact) / exact).toBeLessThan(0.06);
    }
  });

  it("reads zero durations (timers that did not advance) as zero", () => {
    expect(histogramPercentile(histogramOf([0, 0, 0]), 99, 0)).toBe(0);
  });
});
