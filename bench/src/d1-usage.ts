// D1 statements per operation, per service, as the system itself counts them: every statement
// goes through shared's D1 metrics wrapper into analytics, and GET /admin/metrics reports
// count and total time per named query. The bench reads the totals before and after a
// scenario's operations and divides the difference by their number. The totals include what
// the operations caused in the background (outbox flushes, metrics rollups, learning events),
// which is what a database has to carry for them.
import { setTimeout as sleep } from "node:timers/promises";
import { SERVICE_NAMES } from "@atomic-guide/testing/vitest-workers";
import * as v from "valibot";
import { adminHeaders } from "../../tests/support/flows";

export type ServiceName = (typeof SERVICE_NAMES)[number];

const MetricsReportSchema = v.object({
  queries: v.array(v.object({ service: v.string(), name: v.string(), count: v.number(), totalMs: v.number() })),
  dropped: v.optional(v.record(v.string(), v.number())),
});

/** The reads GET /admin/metrics itself makes: the bench's own probing, not the operations' cost. */
const REPORT_READS = new Set(["metrics.routeRollups", "metrics.queryRollups", "metrics.dropped"]);

/** Per service: statements and their summed SQL time (ms), and samples analytics had to drop. */
export type D1Totals = Map<string, { statements: number; sqlMs: number; dropped: number }>;

export interface D1PerOperation {
  service: string;
  statements: number;
  sqlMs: number;
}

/** Whole-run window: far enough back for the bench's start, ahead for samples still in flight. */
function windowQuery(sinceMs: number): string {
  const from = new Date(sinceMs - 60_000).toISOString();
  const to = new Date(Date.now() + 3_600_000).toISOString();
  return `from=${encodeURIComponent(from)}&to=${encodeURIComponent(to)}`;
}

export async function readD1Totals(gateway: URL, sinceMs: number): Promise<D1Totals> {
  const totals: D1Totals = new Map();
  for (const service of SERVICE_NAMES) {
    const res = await fetch(new URL(`/admin/metrics?service=${service}&${windowQuery(sinceMs)}`, gateway), {
      headers: adminHeaders,
    });
    if (!res.ok) throw new Error(`GET /admin/metrics?service=${service}: ${res.status} ${await res.text()}`);
    const report = v.parse(MetricsReportSchema, await res.json());
    const rows = report.queries.filter((q) => q.service === service && !REPORT_READS.has(q.name));
    totals.set(service, {
      statements: rows.reduce((n, q) => n + q.count, 0),
      sqlMs: rows.reduce((n, q) => n + q.totalMs, 0),
      dropped: report.dropped?.[service] ?? 0,
    });
  }
  return totals;
}

const statementsOf = (t: D1Totals) => [...t.values()].reduce((n, s) => n + s.statements, 0);

/**
 * The totals once the samples of the operations just run have arrived: metrics travel after
 * the response (waitUntil, then the buffer), so read until two reads a second apart agree.
 * Undefined when the metrics cannot be read: the scenario then has no D1 figures, and the run goes on.
 */
export async function settledD1Totals(gateway: URL, sinceMs: number, attempts = 15): Promise<D1Totals | undefined> {
  try {
    return await settle(gateway, sinceMs, attempts);
  } catch (e) {
    console.log(`  D1 statements not counted: ${e instanceof Error ? e.message : String(e)}`);
    return undefined;
  }
}

async function settle(gateway: URL, sinceMs: number, attempts: number): Promise<D1Totals> {
  let last = await readD1Totals(gateway, sinceMs);
  for (let i = 0; i < attempts; i++) {
    await sleep(1000);
    const next = await readD1Totals(gateway, sinceMs);
    if (statementsOf(next) === statementsOf(last)) return next;
    last = next;
  }
  return last;
}

/** Per operation and service, between two readings; null when samples were dropped in between. */
export function perOperation(before: D1Totals, after: D1Totals, ops: number): D1PerOperation[] | null {
  const out: D1PerOperation[] = [];
  for (const [service, a] of after) {
    const b = before.get(service) ?? { statements: 0, sqlMs: 0, dropped: 0 };
    if (a.dropped > b.dropped) return null;
    const statements = (a.statements - b.statements) / ops;
    if (statements > 0) out.push({ service, statements, sqlMs: (a.sqlMs - b.sqlMs) / ops });
  }
  return out;
}
