import type { MetricsQuery, MetricsReport, QueryMetrics, RouteMetrics } from "@atomic-guide/shared";
import { METRIC_SERVICES } from "@atomic-guide/shared/metrics/schema";
import { metricsDb } from "../db/access";
import { metricsReads } from "../db/metrics-queries";
import { type Histogram, histogramPercentile, mergeHistograms, parseHistogram, round } from "./histogram";
import { minuteOf } from "./rollup";
import { metricsBufferFor } from "./sink";
import { DEFAULT_METRICS_WINDOW_MS, resolveWindow } from "./window";

const SLOW_QUERY_LIMIT = 20;

interface RollupLike {
  count: number;
  errors: number;
  max_ms: number;
  hist: string;
}

interface Accumulator {
  count: number;
  errors: number;
  maxMs: number;
  hist: Histogram;
}

function accumulate(into: Accumulator | undefined, row: RollupLike): Accumulator {
  const acc = into ?? { count: 0, errors: 0, maxMs: 0, hist: {} };
  acc.count += row.count;
  acc.errors += row.errors;
  acc.maxMs = Math.max(acc.maxMs, row.max_ms);
  mergeHistograms(acc.hist, parseHistogram(row.hist));
  return acc;
}

/**
 * Rollup rows merged per key: a group starts from `start(first row)` and sums every row's
 * count, errors, max and histogram; `add` sums the row's own further columns into it.
 */
function groupRollups<R extends RollupLike, G extends object>(
  rows: Iterable<R>,
  keyOf: (row: R) => string,
  start: (row: R) => G,
  add: (group: G, row: R) => void,
): (G & { acc: Accumulator })[] {
  const groups = new Map<string, G & { acc: Accumulator }>();
  for (const row of rows) {
    const key = keyOf(row);
    const group = groups.get(key) ?? { ...start(row), acc: { count: 0, errors: 0, maxMs: 0, hist: {} } };
    accumulate(group.acc, row);
    add(group, row);
    groups.set(key, group);
  }
  return [...groups.values()];
}

function summary(acc: Accumulator) {
  return {
    count: acc.count,
    errors: acc.errors,
    p50Ms: round(histogramPercentile(acc.hist, 50, acc.maxMs)),
    p95Ms: round(histogramPercentile(acc.hist, 95, acc.maxMs)),
    p99Ms: round(histogramPercentile(acc.hist, 99, acc.maxMs)),
    maxMs: round(acc.maxMs),
  };
}

/** Route rows of any rollup read, aggregated per (service, route) over the window. */
export function summarizeRoutes(
  rows: readonly (RollupLike & { service: string; route: string; d1_ms: number; d1_count: number })[],
): RouteMetrics[] {
  const groups = groupRollups(
    rows,
    (row) => `${row.service}\n${row.route}`,
    (row) => ({ service: row.service, route: row.route, d1Ms: 0, d1Count: 0 }),
    (group, row) => {
      group.d1Ms += row.d1_ms;
      group.d1Count += row.d1_count;
    },
  );
  return groups
    .map((g) => ({
      service: g.service,
      route: g.route,
      ...summary(g.acc),
      d1MsAvg: g.d1Count > 0 ? round(g.d1Ms / g.d1Count) : null,
    }))
    .sort((a, b) => a.service.localeCompare(b.service) || b.count - a.count);
}

/** Per-service request and query metrics for operators (GET /admin/metrics). */
export async function metricsReport(env: Env, query: MetricsQuery): Promise<MetricsReport> {
  const window = resolveWindow(query.from, query.to, DEFAULT_METRICS_WINDOW_MS);
  const from = minuteOf(window.from);
  const to = minuteOf(window.to);
  const { db } = metricsDb(env);
  const services = query.service ? [query.service] : [...METRIC_SERVICES];
  const perService = await Promise.all(
    services.map(async (service) => {
      const [routes, queries, dropped, open] = await Promise.all([
        metricsReads.routeRollups(db, "service", service, from, to).execute(),
        metricsReads.queryRollups(db, service, from, to).execute(),
        metricsReads.dropped(db, service, from, to).executeTakeFirst(),
        // Samples not yet rolled up; a buffer that cannot answer leaves the stored figures.
        metricsBufferFor(env, service)
          .openRollups(from, to)
          .catch(() => ({ requests: [], queries: [] })),
      ]);
      return {
        service,
        routes: [...routes, ...open.requests],
        queries: [...queries, ...open.queries],
        dropped: Number(dropped?.dropped ?? 0),
      };
    }),
  );

  const queryGroups = groupRollups(
    perService.flatMap((s) => s.queries),
    (row) => `${row.service}\n${row.name}`,
    (row) => ({ service: row.service, name: row.name, totalMs: 0, rowsRead: 0, rowsWritten: 0 }),
    (group, row) => {
      group.totalMs += row.total_ms;
      group.rowsRead += row.rows_read;
      group.rowsWritten += row.rows_written;
    },
  );
  const queries: QueryMetrics[] = queryGroups.map((g) => ({
    service: g.service,
    name: g.name,
    ...summary(g.acc),
    totalMs: round(g.totalMs),
    rowsRead: g.rowsRead,
    rowsWritten: g.rowsWritten,
  }));
  queries.sort((a, b) => a.service.localeCompare(b.service) || b.totalMs - a.totalMs);

  return {
    from: window.from,
    to: window.to,
    routes: summarizeRoutes(perService.flatMap((s) => s.routes)),
    queries,
    slowQueries: queries.toSorted((a, b) => b.p95Ms - a.p95Ms || b.maxMs - a.maxMs).slice(0, SLOW_QUERY_LIMIT),
    dropped: Object.fromEntries(perService.map((s) => [s.service, s.dropped])),
  };
}
