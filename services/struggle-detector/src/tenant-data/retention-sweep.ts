import { type RetentionSweep, type TenantDataRemoval, tenantDb } from "@atomic-guide/shared";
import { rememberRetentionDays } from "@atomic-guide/shared/learner-retention/tenant-policy";
import type { StruggleDb } from "../db/schema";
import { LEARNER_TABLES, tenantDataQueries as q } from "../db/tenant-data";
import { detectorFor } from "../do/stub";
import { SERVICE } from "../service";
import { systemCallerFor } from "./databases";

const DAY_MS = 86_400_000;
const PAGE = 50;
const PAGES_PER_CALL = 4;

/**
 * Retention: a learner whose latest activity is older than the tenant's period is erased
 * whole, object and rows, exactly as their own erasure request would. D1 finds them here; the
 * period is also left in TENANT_CONFIG for the objects' own expiry alarms, which reach learners
 * whose rows never got to D1 (do/idle-expiry.ts).
 */
export async function sweepIdleLearners(env: Env, sweep: RetentionSweep): Promise<TenantDataRemoval> {
  await rememberRetentionDays(env.TENANT_CONFIG, sweep.tenantId, sweep.retentionDays);
  const cutoffIso = new Date(sweep.nowMs - sweep.retentionDays * DAY_MS).toISOString();
  const tdb = tenantDb<StruggleDb>(env, { tenantId: sweep.tenantId, service: SERVICE, d1Binding: sweep.d1Binding });
  const total = { rows: 0, objects: 0 };
  for (let page = 0; page < PAGES_PER_CALL; page++) {
    const userIds = (await q.idleLearners(tdb.db, sweep.tenantId, cutoffIso, PAGE).execute()).map((r) => r.user_id);
    if (userIds.length === 0) return { ...total, done: true };
    for (const userId of userIds) {
      const { deleted } = await detectorFor(env, { tenantId: sweep.tenantId, userId }).erase(
        systemCallerFor(sweep, userId),
      );
      total.rows += deleted;
      total.objects++;
    }
    // The object deletes its rows when D1 answers; deleting here too keeps the page from repeating.
    for (const table of LEARNER_TABLES) {
      const r = await q.deleteLearnersRows(tdb.db, table, sweep.tenantId, userIds).executeTakeFirst();
      total.rows += Number(r.numDeletedRows);
    }
    if (userIds.length < PAGE) return { ...total, done: true };
  }
  return { ...total, done: false };
}
