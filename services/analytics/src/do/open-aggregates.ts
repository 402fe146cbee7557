import type { MetricSample } from "@atomic-guide/shared/metrics/schema";
import { bucketOf, type Histogram, histogramPercentile } from "../metrics/histogram";
import { latency, minuteOf, NO_TENANT, type QueryRollupRow, type RequestRollupRow } from "../metrics/rollup";

/**
 * Running per-minute aggregates of the samples a MetricsBufferDO holds, kept as samples arrive:
 * one row per (kind, tenant, service, route or query name, minute) and its latency histogram.
 * Reports read these few rows instead of parsing every buffered sample on each request, and the
 * rollup of a closed minute takes its counts from them (its exact percentiles come from the
 * samples' durations, which `pending` keeps as a column).
 */

/** What one sample contributes, flattened so SQLite can aggregate a batch in one statement. */
export interface SampleFacts {
  grp: string;
  kind: MetricSample["kind"];
  tenant: string | null;
  service: string;
  name: string;
  minute: string;
  duration: number;
  error: 0 | 1;
  d1_ms: number;
  d1_count: 0 | 1;
  rows_read: number;
  rows_written: number;
  bucket: number;
}

export function factsOf(sample: MetricSample): SampleFacts {
  const minute = minuteOf(sample.at);
  const common = { service: sample.service, minute, duration: sample.durationMs, bucket: bucketOf(sample.durationMs) };
  const facts =
    sample.kind === "request"
      ? {
          ...common,
          kind: sample.kind,
          tenant: sample.tenantId ?? NO_TENANT,
          name: sample.route,
          error: sample.status >= 500 ? 1 : 0,
          d1_ms: sample.d1Ms ?? 0,
          d1_count: sample.d1Ms === undefined ? 0 : 1,
          rows_read: 0,
          rows_written: 0,
        }
      : {
          ...common,
          kind: sample.kind,
          tenant: null,
          name: sample.name,
          error: sample.ok ? 0 : 1,
          d1_ms: 0,
          d1_count: 0,
          rows_read: sample.rowsRead,
          rows_written: sample.rowsWritten,
        };
  return {
    ...facts,
    grp: JSON.stringify([facts.kind, facts.tenant, facts.service, facts.name, minute]),
  } as SampleFacts;
}

/** A group's running totals, keyed as its samples' facts are. */
type GroupRow = Pick<SampleFacts, "grp" | "kind" | "tenant" | "service" | "name" | "minute"> & {
  count: number;
  errors: number;
  max_ms: number;
  total_ms: number;
  d1_ms: number;
  d1_count: number;
  rows_read: number;
  rows_written: number;
};

export interface OpenRollups {
  requests: RequestRollupRow[];
  queries: QueryRollupRow[];
}

export class OpenAggregates {
  constructor(private readonly sql: SqlStorage) {
    sql.exec(`CREATE TABLE IF NOT EXISTS open_groups (
      grp TEXT PRIMARY KEY, kind TEXT NOT NULL, tenant TEXT, service TEXT NOT NULL, name TEXT NOT NULL,
      minute TEXT NOT NULL, count INTEGER NOT NULL, errors INTEGER NOT NULL, max_ms REAL NOT NULL,
      total_ms REAL NOT NULL, d1_ms REAL NOT NULL, d1_count INTEGER NOT NULL, rows_read INTEGER NOT NULL,
      rows_written INTEGER NOT NULL) WITHOUT ROWID`);
    sql.exec("CREATE INDEX IF NOT EXISTS open_groups_tenant_minute ON open_groups (tenant, minute)");
    sql.exec("CREATE INDEX IF NOT EXISTS open_groups_minute ON open_groups (minute)");
    sql.exec(`CREATE TABLE IF NOT EXISTS open_buckets (
      grp TEXT NOT NULL, bucket INTEGER NOT NULL, n INTEGER NOT NULL, PRIMARY KEY (grp, bucket)) WITHOUT ROWID`);
  }

  /** Folds a batch in with two statements, whatever its size. */
  add(facts: readonly SampleFacts[]): void {
    if (facts.length === 0) return;
    const json = JSON.stringify(facts);
    this.sql.exec(
      `INSERT INTO open_groups (grp, kind, tenant, service, name, minute, count, errors, max_ms, total_ms, d1_ms, d1_count, rows_read, rows_written)
       SELECT value ->> 'grp', value ->> 'kind', value ->> 'tenant', value ->> 'service', value ->> 'name', value ->> 'minute',
         count(*), sum(value ->> 'error'), max(value ->> 'duration'), total(value ->> 'duration'), total(value ->> 'd1_ms'),
         sum(value ->> 'd1_count'), sum(value ->> 'rows_read'), sum(value ->> 'rows_written')
       FROM json_each(?) GROUP BY value ->> 'grp'
       ON CONFLICT (grp) DO UPDATE SET count = count + excluded.count, errors = errors + excluded.errors,
         max_ms = max(max_ms, excluded.max_ms), total_ms = total_ms + excluded.total_ms, d1_ms = d1_ms + excluded.d1_ms,
         d1_count = d1_count + excluded.d1_count, rows_read = rows_read + excluded.rows_read,
         rows_written = rows_written + excluded.rows_written`,
      json,
    );
    this.sql.exec(
      `INSERT INTO open_buckets (grp, bucket, n)
       SELECT value ->> 'grp', value ->> 'bucket', count(*) FROM json_each(?) GROUP BY value ->> 'grp', value ->> 'bucket'
       ON CONFLICT (grp, bucket) DO UPDATE SET n = n + excluded.n`,
      json,
    );
  }

  /** Offboarding: the tenant's open request groups go with its buffered samples. */
  forgetTenant(tenantId: string): void {
    this.sql.exec("DELETE FROM open_buckets WHERE grp IN (SELECT grp FROM open_groups WHERE tenant = ?)", tenantId);
    this.sql.exec("DELETE FROM open_groups WHERE tenant = ?", tenantId);
  }

  /** Every open group of [from, to] (of one tenant's requests when `tenantId` is given), percentiles from the histograms. */
  read(fromMinute: string, toMinute: string, tenantId?: string): OpenRollups {
    const where =
      tenantId === undefined ? "g.minute >= ? AND g.minute <= ?" : "g.tenant = ? AND g.minute >= ? AND g.minute <= ?";
    const params = tenantId === undefined ? [fromMinute, toMinute] : [tenantId, fromMinute, toMinute];
    const groups = this.sql.exec<GroupRow>(`SELECT g.* FROM open_groups g WHERE ${where}`, ...params).toArray();
    const hists = this.histograms(
      `SELECT b.grp, b.bucket, b.n FROM open_buckets b JOIN open_groups g USING (grp) WHERE ${where}`,
      params,
    );
    return toRollups(groups, (g) => {
      const hist = hists.get(g.grp) ?? {};
      return {
        p50_ms: histogramPercentile(hist, 50, g.max_ms),
        p95_ms: histogramPercentile(hist, 95, g.max_ms),
        p99_ms: histogramPercentile(hist, 99, g.max_ms),
        max_ms: g.max_ms,
        total_ms: g.total_ms,
        hist: JSON.stringify(hist),
      };
    });
  }

  /**
   * The exact rollups of every group up to `cutoff`: counts from the aggregates, percentiles
   * nearest-rank over the durations `pending` holds for them (read sorted, no JSON parsed).
   */
  closed(cutoff: string): OpenRollups & { groups: string[] } {
    const groups = this.sql.exec<GroupRow>("SELECT * FROM open_groups WHERE minute <= ?", cutoff).toArray();
    const durations = new Map<string, number[]>();
    for (const row of this.sql.exec<{ grp: string; duration: number }>(
      "SELECT grp, duration FROM pending WHERE minute <= ? ORDER BY grp, duration",
      cutoff,
    )) {
      const list = durations.get(row.grp);
      if (list) list.push(row.duration);
      else durations.set(row.grp, [row.duration]);
    }
    return {
      ...toRollups(groups, (g) => latency(durations.get(g.grp) ?? [])),
      groups: groups.map((g) => g.grp),
    };
  }

  /** Drops groups whose samples are gone (rolled up); the caller re-adds any that arrived meanwhile. */
  forget(groups: readonly string[]): void {
    if (groups.length === 0) return;
    const json = JSON.stringify(groups);
    this.sql.exec("DELETE FROM open_groups WHERE grp IN (SELECT value FROM json_each(?))", json);
    this.sql.exec("DELETE FROM open_buckets WHERE grp IN (SELECT value FROM json_each(?))", json);
  }

  private histograms(query: string, params: unknown[]): Map<string, Histogram> {
    const hists = new Map<string, Histogram>();
    for (const row of this.sql.exec<{ grp: string; bucket: number; n: number }>(query, ...params)) {
      const hist = hists.get(row.grp) ?? {};
      hist[String(row.bucket)] = row.n;
      hists.set(row.grp, hist);
    }
    return hists;
  }
}

type Latency = Pick<RequestRollupRow, "p50_ms" | "p95_ms" | "p99_ms" | "max_ms" | "total_ms" | "hist">;

function toRollups(groups: readonly GroupRow[], latencyOf: (g: GroupRow) => Latency): OpenRollups {
  const requests: RequestRollupRow[] = [];
  const queries: QueryRollupRow[] = [];
  for (const g of groups) {
    const figures = { minute: g.minute, count: g.count, errors: g.errors, ...latencyOf(g) };
    if (g.kind === "request") {
      requests.push({
        tenant_id: g.tenant ?? NO_TENANT,
        service: g.service,
        route: g.name,
        ...figures,
        d1_ms: g.d1_ms,
        d1_count: g.d1_count,
      });
    } else {
      queries.push({
        service: g.service,
        name: g.name,
        ...figures,
        rows_read: g.rows_read,
        rows_written: g.rows_written,
      });
    }
  }
  return { requests, queries };
}
