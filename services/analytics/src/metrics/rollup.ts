import type { QuerySample, RequestSample } from "@atomic-guide/shared/metrics/schema";
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

function groupBy<T>(items: readonly T[], keyOf: (item: T) => string): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const item of items) {
    const key = keyOf(item);
    const group = groups.get(key);
    if (group) group.push(item);
    else groups.set(key, [item]);
  }
  return groups;
}

function latency(durations: number[]) {
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

/** Exact per-minute rollups per tenant, service and route. 5xx responses count as errors. */
export function rollupRequests(samples: readonly RequestSample[]): RequestRollupRow[] {
  const groups = groupBy(samples, (s) => JSON.stringify([s.tenantId ?? NO_TENANT, s.service, s.route, minuteOf(s.at)]));
  return [...groups.values()].map((group) => {
    const first = group[0] as RequestSample;
    const attributed = group.filter((s) => s.d1Ms !== undefined);
    return {
      tenant_id: first.tenantId ?? NO_TENANT,
      service: first.service,
      route: first.route,
      minute: minuteOf(first.at),
      count: group.length,
      errors: group.filter((s) => s.status >= 500).length,
      ...latency(group.map((s) => s.durationMs)),
      d1_ms: attributed.reduce((sum, s) => sum + (s.d1Ms ?? 0), 0),
      d1_count: attributed.length,
    };
  });
}

/** Exact per-minute rollups per service and query name. */
export function rollupQueries(samples: readonly QuerySample[]): QueryRollupRow[] {
  const groups = groupBy(samples, (s) => JSON.stringify([s.service, s.name, minuteOf(s.at)]));
  return [...groups.values()].map((group) => {
    const first = group[0] as QuerySample;
    return {
      service: first.service,
      name: first.name,
      minute: minuteOf(first.at),
      count: group.length,
      errors: group.filter((s) => !s.ok).length,
      ...latency(group.map((s) => s.durationMs)),
      rows_read: group.reduce((sum, s) => sum + s.rowsRead, 0),
      rows_written: group.reduce((sum, s) => sum + s.rowsWritten, 0),
    };
  });
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
