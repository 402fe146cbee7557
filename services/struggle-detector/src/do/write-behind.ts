import type { AuthContext } from "@atomic-guide/shared";
import { MAX_SIGNAL_AGE_MS } from "../detection/signals";
import { markActivity } from "./activity-mark";
import { ANALYTICS_WAIT_MS, flushAnalytics } from "./analytics-queue";
import { profileDue, pushProfile } from "./chat-profile";
import { copyToD1, flushOutbox } from "./d1-sync";
import { authOf, storedOwner } from "./owner";
import { firstRetryDelayMs, type LearnerRuntime, retryDelayMs } from "./runtime";

/** Session and profile rows reach D1 at most this often: a burst of batches becomes one write. */
export const D1_DEBOUNCE_MS = 10_000;

/** Sends what waits for D1 and analytics; true when nothing is left waiting. */
async function flushAll(rt: LearnerRuntime, auth: AuthContext, analyticsWaitMs: number): Promise<boolean> {
  const outbox = await flushOutbox(rt, auth);
  const analytics = await flushAnalytics(rt, auth, analyticsWaitMs);
  return outbox && analytics;
}

/**
 * After a write the learner or an instructor looks for at once: flush now, retry from the alarm
 * if that fails. The write is the learner's activity, which the alarm records.
 */
export async function afterWrite(rt: LearnerRuntime): Promise<void> {
  const owner = storedOwner(rt.store);
  if (!owner) return;
  const auth = authOf(owner);
  const now = Date.now();
  markActivity(rt, now);
  const ok = await flushAll(rt, auth, ANALYTICS_WAIT_MS.request);
  if (profileDue(rt)) await pushProfile(rt, auth);
  await rt.scheduleAlarm(ok ? now + D1_DEBOUNCE_MS : Date.now() + firstRetryDelayMs(rt.env));
}

/** The alarm: debounced D1 copies, signal pruning, retries with backoff, analytics and the chat profile. */
export async function runAlarm(rt: LearnerRuntime): Promise<void> {
  const owner = storedOwner(rt.store);
  if (!owner) return;
  const auth = authOf(owner);
  copyToD1(rt, auth);
  rt.store.pruneSignals(Date.now() - MAX_SIGNAL_AGE_MS);
  const healthy = (await flushAll(rt, auth, ANALYTICS_WAIT_MS.background)) && (await pushProfile(rt, auth));
  if (healthy) {
    rt.store.setMeta("retries", 0);
    return;
  }
  const retries = (rt.store.getMeta<number>("retries") ?? 0) + 1;
  rt.store.setMeta("retries", retries);
  await rt.scheduleAlarm(Date.now() + retryDelayMs(rt.env, retries), true);
}
