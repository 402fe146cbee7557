import type { TenantDataRef, TenantDataRemoval, TenantDb } from "@atomic-guide/shared";
import { deleteSnapshots } from "@atomic-guide/shared/resilience/fallback";
import { socketPolicyKey } from "@atomic-guide/shared/socket-policy";
import { deletedRows, deleteKvKeys, offboardInPages, tenantDatabases } from "@atomic-guide/shared/tenant-erasure";
import type { StruggleDb } from "../db/schema";
import { deleteLearnersRows, tenantDataQueries as q, TENANT_TABLES } from "../db/tenant-data";
import { forgetTenantConfig } from "../detection/config-cache";
import { tenantConfigKey } from "../detection/thresholds";
import { detectorFor } from "../do/stub";
import { SERVICE } from "../service";
import { systemCallerFor } from "./system-caller";

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
  rows += await deleteLearnersRows(tdb.db, ref.tenantId, userIds);
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
  forgetTenantConfig(ref.tenantId);
  rows += await deleteSnapshots(env.TENANT_CONFIG, `${thresholds}:`);
  rows += await deleteSnapshots(env.SNAPSHOTS, `${ref.tenantId}:`);
  return rows;
}

/**
 * Offboarding: everything struggle-detector holds for the tenant, bounded per call; repeat until
 * `done`. The offboarding mark (in TENANT_CONFIG) makes a learner object D1 does not list (its
 * rows still in its outbox) wipe itself at its next alarm instead of replaying them (do/idle-expiry.ts).
 */
export function eraseTenantData(env: Env, ref: TenantDataRef): Promise<TenantDataRemoval> {
  return offboardInPages(
    env.TENANT_CONFIG,
    ref,
    tenantDatabases<StruggleDb>(env, SERVICE, ref),
    PAGES_PER_CALL,
    (tdb) => erasePage(env, ref, tdb),
    async (dbs) => ({ rows: await eraseTenantWide(env, ref, dbs), objects: 0 }),
  );
}
