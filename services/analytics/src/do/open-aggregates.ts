import type { MetricSample } from "@atomic-guide/shared/metrics/schema";
import { bucketOf, type Histogram, histogramPercentile } from "../metrics/histogram";
import { latency, minuteOf, NO_TENANT, type QueryRollupRow, type RequestRollupRow } from "../metrics/rollup";

/**
 * Running per-minute aggregates of the samples a MetricsBufferDO holds, kept in the object's
 * memory as samples arrive: one group per (kind, tenant, service, route or query name, minute)
 * with its latency histogram. Reports read these few groups instead of every buffered sample,
 * and the rollup of a closed minute takes its counts from them (its exact percentiles come from
 * the samples' durations, which `pending` keeps as a column). Memory, not SQLite: an add costs
 * no statement beyond storing the samples, and a report no query. They are derived data: `pending`
 * holds every sample they count, so an object that starts again rebuilds them from it.
 */

/** What one sample contributes. */
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

/** A group's running totals and histogram (bucket -> count). */
type Group = Pick<SampleFacts, "grp" | "kind" | "tenant" | "service" | "name" | "minute"> & {
  count: number;
  errors: number;
  max_ms: number;
  total_ms: number;
  d1_ms: number;
  d1_count: number;
  rows_read: number;
  rows_written: number;
  buckets: Histogram;
};

export interface OpenRollups {
  requests: RequestRollupRow[];
  queries: QueryRollupRow[];
}

export class OpenAggregates {
  private readonly groups = new Map<string, Group>();
  /** Each tenant's request groups, so a tenant's report reads its own few. */
  private readonly byTenant = new Map<string, Set<string>>();

  /** Built from every sample `pending` holds: they are exactly what the aggregates count. */
  constructor(private readonly sql: SqlStorage) {
    this.rebuild("SELECT id, grp, body FROM pending");
  }

  add(facts: readonly SampleFacts[]): void {
    for (const f of facts) {
      let g = this.groups.get(f.grp);
      if (!g) {
        g = {
          grp: f.grp,
          kind: f.kind,
          tenant: f.tenant,
          service: f.service,
          name: f.name,
          minute: f.minute,
          count: 0,
          errors: 0,
          max_ms: f.duration,
          total_ms: 0,
          d1_ms: 0,
          d1_count: 0,
          rows_read: 0,
          rows_written: 0,
          buckets: {},
        };
        this.groups.set(f.grp, g);
        if (f.tenant !== null) this.tenantGroups(f.tenant).add(f.grp);
      }
      g.count += 1;
      g.errors += f.error;
      g.max_ms = Math.max(g.max_ms, f.duration);
      g.total_ms += f.duration;
      g.d1_ms += f.d1_ms;
      g.d1_count += f.d1_count;
      g.rows_read += f.rows_read;
      g.rows_written += f.rows_written;
      g.buckets[f.bucket] = (g.buckets[f.bucket] ?? 0) + 1;
    }
  }

  /** Offboarding: the tenant's open request groups go with its buffered samples. */
  forgetTenant(tenantId: string): void {
    for (const grp of this.byTenant.get(tenantId) ?? []) this.groups.delete(grp);
    this.byTenant.delete(tenantId);
  }

  /** Every open group of [from, to] (of one tenant's requests when `tenantId` is given), percentiles from the histograms. */
  read(fromMinute: string, toMinute: string, tenantId?: string): OpenRollups {
    const keys = tenantId === undefined ? this.groups.keys() : (this.byTenant.get(tenantId) ?? []);
    const groups: Group[] = [];
    for (const grp of keys) {
      const g = this.groups.get(grp);
      if (g && g.minute >= fromMinute && g.minute <= toMinute) groups.push(g);
    }
    return toRollups(groups, (g) => ({
      p50_ms: histogramPercentile(g.buckets, 50, g.max_ms),
      p95_ms: histogramPercentile(g.buckets, 95, g.max_ms),
      p99_ms: histogramPercentile(g.buckets, 99, g.max_ms),
      max_ms: g.max_ms,
      total_ms: g.total_ms,
      hist: JSON.stringify(g.buckets),
    }));
  }

  /**
   * The exact rollups of every group up to `cutoff`: counts from the aggregates, percentiles
   * nearest-rank over the durations `pending` holds for them (read sorted, no JSON parsed).
   */
  closed(cutoff: string): OpenRollups & { groups: string[] } {
    const groups = [...this.groups.values()].filter((g) => g.minute <= cutoff);
    const durations = new Map<string, number[]>();
    if (groups.length > 0) {
      for (const row of this.sql.exec<{ grp: string; duration: number }>(
        "SELECT grp, duration FROM pending WHERE minute <= ? ORDER BY grp, duration",
        cutoff,
      )) {
        const list = durations.get(row.grp);
        if (list) list.push(row.duration);
        else durations.set(row.grp, [row.duration]);
      }
    }
    return {
      ...toRollups(groups, (g) => latency(durations.get(g.grp) ?? [])),
      groups: groups.map((g) => g.grp),
    };
  }

  /** Drops groups whose samples are gone (rolled up); the caller re-adds any that arrived meanwhile. */
  forget(groups: readonly string[]): void {
    for (const grp of groups) {
      const g = this.groups.get(grp);
      if (!g) continue;
      this.groups.delete(grp);
      if (g.tenant !== null) {
        const own = this.byTenant.get(g.tenant);
        own?.delete(grp);
        if (own?.size === 0) this.byTenant.delete(g.tenant);
      }
    }
  }

  /**
   * Adds the pending rows a query selects (`id`, `grp`, `body`). Rows stored before `grp` and
   * `duration` were columns gain them here, so closed minutes' percentiles can be read without parsing.
   */
  rebuild(query: string, ...params: unknown[]): void {
    const facts: SampleFacts[] = [];
    for (const row of this.sql.exec<{ id: number; grp: string | null; body: string }>(query, ...params).toArray()) {
      const f = factsOf(JSON.parse(row.body) as MetricSample);
      if (row.grp === null)
        this.sql.exec("UPDATE pending SET grp = ?, duration = ? WHERE id = ?", f.grp, f.duration, row.id);
      facts.push(f);
    }
    this.add(facts);
  }

  private tenantGroups(tenant: string): Set<string> {
    let own = this.byTenant.get(tenant);
    if (!own) {
      own = new Set();
      this.byTenant.set(tenant, own);
    }
    return own;
  }
}

type Latency = Pick<RequestRollupRow, "p50_ms" | "p95_ms" | "p99_ms" | "max_ms" | "total_ms" | "hist">;

function toRollups(groups: readonly Group[], latencyOf: (g: Group) => Latency): OpenRollups {
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
