import { errorFields } from "@atomic-guide/shared";
import { firstRetryDelayMs, type LearnerRuntime } from "./runtime";

/**
 * Where a launch answered by an earlier version (which opened the session at launch and left
 * the retention mark to the alarm) keeps the time of its activity. Nothing writes it now:
 * sessions open at the first signal, which marks activity itself. The alarm still drains marks
 * such objects hold, so an upgrade loses none; this can go once no object holds one.
 */
const PENDING_ACTIVITY = "pendingActivityMs";

/**
 * First in the alarm, before the expiry check: a launch answered since the last alarm is
 * activity, so a returning learner whose mark had run out is not wiped under their new session.
 */
export async function recordPendingActivity(rt: LearnerRuntime, tenantId: string | undefined): Promise<void> {
  const atMs = rt.store.getMeta<number>(PENDING_ACTIVITY);
  if (atMs === undefined) return;
  try {
    if (tenantId) await rt.expiry.noteActivity(tenantId, atMs);
    rt.store.deleteMeta(PENDING_ACTIVITY);
  } catch (e) {
    // The policy could not be read: keep the activity for a later alarm, and let this one
    // still send what waits for D1 and analytics.
    rt.log.warn("retention mark deferred", errorFields(e));
    await rt.scheduleAlarm(Date.now() + firstRetryDelayMs(rt.env));
  }
}
