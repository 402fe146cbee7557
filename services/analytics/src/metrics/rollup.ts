import type { AnalyticsDatabase, RollupFigures } from "../db/schema";
import {
  type Histogram,
  histogramOf,
  histogramPercentile,
  mergeHistograms,
  parseHistogram,
  percentile,
} from "./histogram";

export type RequestRollupRow = AnalyticsDatabase["request_rollups"];
export type QueryRollupRow = AnalyticsDatabase["query_rollups"];

/** `YYYY-MM-DDTHH:MM`, the rollup bucket of an ISO timestamp. */
export const minuteOf = (iso: string) => iso.slice(0, 16);

/** Where a request without a tenant is filed. */
export const NO_TENANT = "-";

/** Exact latency figures of one group's durations. */
export function latency(durations: readonly number[]) {
  const sorted = durations.toSorted((a, b) => a - b);
  return {
    p50_ms: percentile(sorted, 50),
    p95_ms: percentile(sorted, 95),
    p99_ms: percentile(sorted, 99),
    max_ms: sorted.at(-1) ?? 0,
    total_ms: sorted.reduce((s, d) => s + d, 0),
    hist: JSON.stringify(histogramOf(sorted)),
  };
}

/**
 * Folds samples that arrived after their minute was rolled up into the stored row. Percentiles
 * of a merged row come from the merged histogram (within a bucket's width of exact).
 */
export function mergeRollup<T extends RollupFigures>(stored: T, late: T): T {
  const hist: Histogram = mergeHistograms(parseHistogram(stored.hist), parseHistogram(late.hist));
  const max = Math.max(stored.max_ms, late.max_ms);
  const merged = {
    ...late,
    count: stored.count + late.count,
    errors: stored.errors + late.errors,
    max_ms: max,
    total_ms: stored.total_ms + late.total_ms,
    p50_ms: histogramPercentile(hist, 50, max),
    p95_ms: histogramPercentile(hist, 95, max),
    p99_ms: histogramPercentile(hist, 99, max),
    hist: JSON.stringify(hist),
  };
  const extra: Record<string, number> = {};
  for (const key of ["d1_ms", "d1_count", "rows_read", "rows_written"] as const) {
    const a = (stored as Record<string, unknown>)[key];
    const b = (late as Record<string, unknown>)[key];
    if (typeof a === "number" && typeof b === "number") extra[key] = a + b;
  }
  return { ...merged, ...extra };
}
