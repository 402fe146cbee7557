import { type TenantDataRef, type TenantDataRemoval, tenantDb } from "@atomic-guide/shared";
import { queryName } from "@atomic-guide/shared/metrics/query-name";
import { deleteSnapshots } from "@atomic-guide/shared/resilience/fallback";
import type { AnalyticsDatabase } from "../db/schema";

/**
 * The tables holding the tenant's learners and who read their data. Request and query metrics
 * name a tenant but no learner, keep arriving from the offboarding's own calls (buffered), and
 * age out by RAW_RETENTION_DAYS and ROLLUP_RETENTION_DAYS; they are left to that.
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
 * Offboarding: every analytics row and snapshot of the tenant. Analytics keeps no per-learner
 * Durable Objects, so `objects` is always 0; one call finishes (deletes by an indexed tenant_id).
 */
export async function eraseTenantData(env: Env, ref: TenantDataRef): Promise<TenantDataRemoval> {
  let rows = 0;
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
