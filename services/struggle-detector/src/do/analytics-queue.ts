import { type AuthContext, errorFields, type LearningEvent } from "@atomic-guide/shared";
import { sendQueuedLearningEvents } from "@atomic-guide/shared/rpc/queued-learning-events";
import type { Owner } from "./owner";
import type { LearnerRuntime } from "./runtime";

const ANALYTICS_BATCH = 200;
/**
 * How long a flush waits for analytics: briefly where a learner's request waits on it, longer from
 * the alarm, where nobody waits. An overloaded analytics still stores a batch it was too slow to
 * acknowledge, so giving up early only makes it store the batch again on the retry.
 */
export const ANALYTICS_WAIT_MS = { request: 2_000, background: 15_000 } as const;

type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;
/** An event as the detector knows it; the learner's identity is added from the caller. */
export type LearnerEvent = DistributiveOmit<LearningEvent, "tenantId" | "userId" | "contextId">;

/** Learning events wait in SQLite until analytics has them, so an analytics outage loses none. */
export function queueEvent(rt: LearnerRuntime, auth: AuthContext, event: LearnerEvent): void {
  rt.store.queueEvent(event.eventId, {
    ...event,
    tenantId: auth.tenantId,
    userId: auth.userId,
    ...(auth.contextId ? { contextId: auth.contextId } : {}),
  });
}

/**
 * Sends the oldest queued events; true when the queue is empty afterwards. They go for the owner
 * as the object last recorded them (updated on every call, kept across evictions): to the
 * analytics version the tenant is pinned to, each stamped with the learner's database now, so
 * events queued before a tenant moved to its own database follow it there.
 */
export async function flushAnalytics(rt: LearnerRuntime, owner: Owner, waitMs: number): Promise<boolean> {
  const queued = rt.store.queuedEvents(ANALYTICS_BATCH);
  const last = queued.at(-1);
  if (!last) return true;
  try {
    await sendQueuedLearningEvents(
      rt.env.ANALYTICS,
      rt.env.ENVIRONMENT,
      { tenantId: owner.tenantId, pins: owner.pins },
      queued.map((q) => q.body),
      owner.d1Binding,
      waitMs,
    );
    rt.store.dropQueuedEvents(last.seq);
    return rt.store.queuedEventCount() === 0;
  } catch (e) {
    rt.log.warn("analytics unavailable; events stay queued", errorFields(e));
    return false;
  }
}
