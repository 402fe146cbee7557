import { SERVICE_NAMES, type TenantDataRef, type TenantDataRemoval, tenantDb } from "@atomic-guide/shared";
import { queryName } from "@atomic-guide/shared/metrics/query-name";
import { deleteSnapshots } from "@atomic-guide/shared/resilience/fallback";
import { auditQueueFor } from "../audit/log";
import type { AnalyticsDatabase } from "../db/schema";
import { metricsBufferFor } from "../metrics/sink";

/**
 * The tables holding the tenant's learners and who read their data. Request and query metrics
 * already in D1 name a tenant but no learner and age out by RAW_RETENTION_DAYS and
 * ROLLUP_RETENTION_DAYS; they are left to that (the buffered ones are dropped below).
 */
const TENANT_TABLES = [
  "learning_events",
  "course_roster",
  "audit_log",
] as const satisfies readonly (keyof AnalyticsDatabase)[];

/**
 * The shared database, and the tenant's own when this Worker is bound to it: analytics is
 * gaining tenant databases, and offboarding must empty whichever holds the tenant's rows.
 */
function databasesOf(env: Env, ref: TenantDataRef) {
  const shared = tenantDb<AnalyticsDatabase>(env, { tenantId: ref.tenantId, service: "analytics" });
  const bound = ref.d1Binding !== undefined && ref.d1Binding in env;
  if (!bound) return [shared];
  return [
    shared,
    tenantDb<AnalyticsDatabase>(env, { tenantId: ref.tenantId, service: "analytics", d1Binding: ref.d1Binding }),
  ];
}

/**
 * What waits in analytics' buffers for D1: the audit queues' rows of the tenant (one queue per
 * database) and the tenant's request samples in every service's metrics buffer. Purged before
 * the D1 rows go, so a flush cannot write them back afterwards.
 */
async function purgeBuffers(env: Env, ref: TenantDataRef): Promise<number> {
  const buffers = [
    auditQueueFor(env),
    ...(ref.d1Binding === undefined ? [] : [auditQueueFor(env, ref.d1Binding)]),
    ...SERVICE_NAMES.map((service) => metricsBufferFor(env, service)),
  ];
  const dropped = await Promise.all(buffers.map((buffer) => buffer.eraseTenant(ref.tenantId)));
  return dropped.reduce((sum, n) => sum + n, 0);
}

/**
 * Offboarding: every analytics row, buffered row and snapshot of the tenant. Analytics keeps no
 * per-learner Durable Objects, so `objects` is always 0; one call finishes (deletes by an indexed
 * tenant_id). Buffered items are counted as rows.
 */
export async function eraseTenantData(env: Env, ref: TenantDataRef): Promise<TenantDataRemoval> {
  let rows = await purgeBuffers(env, ref);
  for (const tdb of databasesOf(env, ref)) {
    for (const table of TENANT_TABLES) {
      const r = await tdb.db
        .deleteFrom(table)
        .where("tenant_id", "=", ref.tenantId)
        .modifyEnd(queryName(`tenant.delete.${table}`))
        .executeTakeFirst();
      rows += Number(r.numDeletedRows);
    }
  }
  rows += await deleteSnapshots(env.SNAPSHOTS, `${ref.tenantId}:`);
  return { rows, objects: 0, done: true };
}
