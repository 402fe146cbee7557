import { errorFields } from "@atomic-guide/shared";
import { firstRetryDelayMs, type LearnerRuntime } from "./runtime";

/**
 * The learner's earliest activity that the retention mark (idle-expiry) has not recorded yet.
 * Objects from before sessions opened at the first signal may hold one their launch left; the
 * alarm drains those the same way.
 */
const PENDING_ACTIVITY = "pendingActivityMs";

/**
 * Notes the learner's activity for the alarm to record in the retention mark. Recording it on
 * the request would cost a storage read and parse on every batch and, for a new learner, two KV
 * reads and a storage write before the answer; the note is one meta write per alarm period, in
 * the object's SQLite, so an eviction loses nothing. The earliest unrecorded activity counts:
 * the mark may be early, never late. The caller makes sure an alarm is set.
 */
export function markActivity(rt: LearnerRuntime, atMs: number): void {
  if (rt.store.getMeta<number>(PENDING_ACTIVITY) === undefined) rt.store.setMeta(PENDING_ACTIVITY, atMs);
}

/**
 * First in the alarm, before the expiry check: activity since the last alarm moves the mark, so
 * a returning learner whose mark had run out is not wiped under their new session. False when an
 * activity is still unrecorded (the policy could not be read): the alarm must not expire the
 * object on the old mark then.
 */
export async function recordPendingActivity(rt: LearnerRuntime, tenantId: string | undefined): Promise<boolean> {
  const atMs = rt.store.getMeta<number>(PENDING_ACTIVITY);
  if (atMs === undefined) return true;
  try {
    if (tenantId) await rt.expiry.noteActivity(tenantId, atMs);
    rt.store.deleteMeta(PENDING_ACTIVITY);
    return true;
  } catch (e) {
    // Keep the activity for a later alarm, and let this one still send what waits for D1 and analytics.
    rt.log.warn("retention mark deferred", errorFields(e));
    await rt.scheduleAlarm(Date.now() + firstRetryDelayMs(rt.env));
    return false;
  }
}
