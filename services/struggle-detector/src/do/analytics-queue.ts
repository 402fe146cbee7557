import { type AuthContext, errorFields, type LearningEvent } from "@atomic-guide/shared";
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

/**
 * Learning events wait in SQLite until analytics has them (shared's LearningEventQueue), so an
 * analytics outage loses none; each keeps the caller's version pins for the send.
 */
export function queueEvent(rt: LearnerRuntime, auth: AuthContext, event: LearnerEvent): void {
  rt.events.queue(
    {
      ...event,
      tenantId: auth.tenantId,
      userId: auth.userId,
      ...(auth.contextId ? { contextId: auth.contextId } : {}),
    },
    { tenantId: auth.tenantId, pins: auth.pins },
  );
}

/**
 * Sends the oldest queued events; true when the queue is empty afterwards. `owner` is the learner
 * as the object's owner record holds them now (authOf, updated on every call): each event is
 * stamped with that database, so events queued before a tenant moved to its own database follow it.
 */
export async function flushAnalytics(rt: LearnerRuntime, owner: AuthContext, waitMs: number): Promise<boolean> {
  try {
    return await rt.events.sendOldest({
      binding: rt.env.ANALYTICS,
      environment: rt.env.ENVIRONMENT,
      tenantId: owner.tenantId,
      d1Binding: owner.d1Binding,
      limit: ANALYTICS_BATCH,
      waitMs,
    });
  } catch (e) {
    rt.log.warn("analytics unavailable; events stay queued", errorFields(e));
    return false;
  }
}
