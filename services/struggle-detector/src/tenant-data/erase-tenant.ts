import type { TenantDataRef, TenantDataRemoval, TenantDb } from "@atomic-guide/shared";
import { markTenantOffboarded } from "@atomic-guide/shared/learner-retention/tenant-policy";
import { deleteSnapshots } from "@atomic-guide/shared/resilience/fallback";
import { socketPolicyKey } from "@atomic-guide/shared/socket-policy";
import { deletedRows, deleteKvKeys, eraseInPages } from "@atomic-guide/shared/tenant-erasure";
import type { StruggleDb } from "../db/schema";
import { LEARNER_TABLES, tenantDataQueries as q, TENANT_TABLES } from "../db/tenant-data";
import { tenantConfigKey } from "../detection/thresholds";
import { detectorFor } from "../do/stub";
import { systemCallerFor, tenantDatabases } from "./databases";

/** Learners per page, and pages per call: at most 200 Durable Object calls per call. */
const PAGE = 50;
const PAGES_PER_CALL = 4;

/** Erases each learner's object (its own D1 rows with it), then their rows directly, so the page never comes back. */
async function erasePage(env: Env, ref: TenantDataRef, tdb: TenantDb<StruggleDb>) {
  const userIds = (await q.learnersPage(tdb.db, ref.tenantId, PAGE).execute()).map((r) => r.user_id);
  let rows = 0;
  for (const userId of userIds) {
    rows += (await detectorFor(env, { tenantId: ref.tenantId, userId }).erase(systemCallerFor(ref, userId))).deleted;
  }
  if (userIds.length > 0) {
    for (const table of LEARNER_TABLES) {
      rows += deletedRows(await q.deleteLearnersRows(tdb.db, table, ref.tenantId, userIds).executeTakeFirst());
    }
  }
  return { rows, objects: userIds.length, more: userIds.length === PAGE };
}

/** Course-level rows, the tenant's thresholds, course settings and socket policy, and its read-only snapshots. */
async function eraseTenantWide(env: Env, ref: TenantDataRef, dbs: readonly TenantDb<StruggleDb>[]): Promise<number> {
  let rows = 0;
  for (const tdb of dbs) {
    for (const table of TENANT_TABLES)
      rows += deletedRows(await q.deleteTenantRows(tdb.db, table, ref.tenantId).executeTakeFirst());
  }
  const thresholds = tenantConfigKey(ref.tenantId);
  rows += await deleteKvKeys(env.TENANT_CONFIG, [thresholds, socketPolicyKey(ref.tenantId)]);
  rows += await deleteSnapshots(env.TENANT_CONFIG, `${thresholds}:`);
  rows += await deleteSnapshots(env.SNAPSHOTS, `${ref.tenantId}:`);
  return rows;
}

/**
 * Offboarding: everything struggle-detector holds for the tenant, bounded per call; repeat until
 * `done`. The offboarding mark goes first: a learner object D1 does not list (its rows still in
 * its outbox) wipes itself at its next alarm instead of replaying them (do/idle-expiry.ts).
 */
export async function eraseTenantData(env: Env, ref: TenantDataRef): Promise<TenantDataRemoval> {
  const policyKeys = await markTenantOffboarded(env.TENANT_CONFIG, ref.tenantId, Date.now());
  const removal = await eraseInPages(
    tenantDatabases(env, ref),
    PAGES_PER_CALL,
    (tdb) => erasePage(env, ref, tdb),
    async (dbs) => ({ rows: await eraseTenantWide(env, ref, dbs), objects: 0 }),
  );
  return { ...removal, rows: removal.rows + policyKeys };
}
