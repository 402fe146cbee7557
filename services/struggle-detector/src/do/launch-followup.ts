import { errorFields } from "@atomic-guide/shared";
import { firstRetryDelayMs, type LearnerRuntime } from "./runtime";

/** Where an answered launch leaves the time of its activity until the alarm records it. */
const PENDING_ACTIVITY = "pendingActivityMs";

/**
 * A launch answers as soon as its session is in this object's SQLite. What it used to wait for
 * goes to the alarm set here, which runs right after the answer: the session's D1 row (already
 * in the outbox), the session_started event (already in the analytics queue) and the retention
 * mark (a KV read for a new learner). All three wait in the object's own storage, so an eviction
 * or a D1/analytics outage delays them and loses nothing; and a slow analytics or D1 no longer
 * holds the launch (it waited up to the gateway's 2 s openSession timeout under load).
 */
export async function followUpAfterAnswer(rt: LearnerRuntime, nowMs: number): Promise<void> {
  // The earliest unrecorded activity counts: the mark may be early, never late.
  if (rt.store.getMeta<number>(PENDING_ACTIVITY) === undefined) rt.store.setMeta(PENDING_ACTIVITY, nowMs);
  await rt.scheduleAlarm(nowMs);
}

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
