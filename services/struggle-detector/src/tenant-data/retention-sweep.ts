import type { RetentionSweep, TenantDataRemoval, TenantDb } from "@atomic-guide/shared";
import { type ErasedPage, sweepInPages } from "@atomic-guide/shared/tenant-erasure";
import type { StruggleDb } from "../db/schema";
import { deleteLearnersRows, tenantDataQueries as q } from "../db/tenant-data";
import { detectorFor } from "../do/stub";
import { SERVICE } from "../service";
import { systemCallerFor } from "./system-caller";

const PAGE = 50;
const PAGES_PER_CALL = 4;

/**
 * Retention: a learner whose latest activity is older than the tenant's period is erased
 * whole, object and rows, exactly as their own erasure request would. D1 finds them here; the
 * period is also left in TENANT_CONFIG for the objects' own expiry alarms, which reach learners
 * whose rows never got to D1 (do/idle-expiry.ts).
 */
export function sweepIdleLearners(env: Env, sweep: RetentionSweep): Promise<TenantDataRemoval> {
  return sweepInPages<StruggleDb>(env, SERVICE, env.TENANT_CONFIG, sweep, PAGES_PER_CALL, (tdb, cutoffIso) =>
    sweepPage(env, sweep, tdb, cutoffIso),
  );
}

async function sweepPage(
  env: Env,
  sweep: RetentionSweep,
  tdb: TenantDb<StruggleDb>,
  cutoffIso: string,
): Promise<ErasedPage> {
  const userIds = (await q.idleLearners(tdb.db, sweep.tenantId, cutoffIso, PAGE).execute()).map((r) => r.user_id);
  let rows = 0;
  for (const userId of userIds) {
    rows += (await detectorFor(env, { tenantId: sweep.tenantId, userId }).erase(systemCallerFor(sweep, userId)))
      .deleted;
  }
  // The object deletes its rows when D1 answers; deleting here too keeps the page from repeating.
  rows += await deleteLearnersRows(tdb.db, sweep.tenantId, userIds);
  return { rows, objects: userIds.length, more: userIds.length === PAGE };
}
