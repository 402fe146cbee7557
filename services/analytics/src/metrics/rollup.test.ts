import { describe, expect, it } from "vitest";
import { histogramOf, histogramPercentile, percentile } from "./histogram";
import { latency, mergeRollup, type RequestRollupRow } from "./rollup";

const rollupOf = (durations: number[], errors = 0): RequestRollupRow => ({
  tenant_id: "acme",
  service: "chat",
  route: "/api/chat/message",
  minute: "2026-11-24T10:00",
  count: durations.length,
  errors,
  ...latency(durations.toSorted((a, b) => a - b)),
  d1_ms: 0,
  d1_count: 0,
});

describe("per-minute rollups", () => {
  it("gives exact nearest-rank percentiles on known data", () => {
    // 1..100 ms: p50 = 50, p95 = 95, p99 = 99.
    const durations = Array.from({ length: 100 }, (_, i) => i + 1);
    expect(latency(durations)).toMatchObject({ p50_ms: 50, p95_ms: 95, p99_ms: 99, max_ms: 100, total_ms: 5050 });
  });

  it("merges late samples into a stored minute through histograms", () => {
    const stored = rollupOf(Array.from({ length: 90 }, () => 10));
    const late = rollupOf(
      Array.from({ length: 10 }, () => 1000),
      10,
    );
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
