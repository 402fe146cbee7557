import {
  type AnalyticsRpc,
  type AuthContext,
  errorFields,
  type LearningEvent,
  type RpcBinding,
} from "@atomic-guide/shared";
import { pinnedBinding } from "@atomic-guide/shared/rpc/version-pins";
import { withTimeout } from "@atomic-guide/shared/timeout";
import type { LearnerRuntime } from "./runtime";

const ANALYTICS_BATCH = 200;
const RPC_TIMEOUT_MS = 2_000;

type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;
/** An event as the detector knows it; the learner's identity is added from the caller. */
export type LearnerEvent = DistributiveOmit<LearningEvent, "tenantId" | "userId" | "contextId">;

/** Learning events wait in SQLite until analytics has them, so an analytics outage loses none. */
export function queueEvent(rt: LearnerRuntime, auth: AuthContext, event: LearnerEvent): void {
  rt.analyticsCaller = { tenantId: auth.tenantId, pins: auth.pins };
  rt.store.queueEvent(event.eventId, {
    ...event,
    tenantId: auth.tenantId,
    userId: auth.userId,
    ...(auth.contextId ? { contextId: auth.contextId } : {}),
  });
}

/** Sends the oldest queued events; true when the queue is empty afterwards. */
export async function flushAnalytics(rt: LearnerRuntime): Promise<boolean> {
  const queued = rt.store.queuedEvents(ANALYTICS_BATCH);
  const last = queued.at(-1);
  if (!last) return true;
  try {
    // A background flush has no caller of its own: it goes where the learner's last call was pinned.
    const analytics = rt.analyticsCaller
      ? pinnedBinding<RpcBinding<AnalyticsRpc>>(rt.env.ANALYTICS, "analytics", rt.analyticsCaller, rt.env.ENVIRONMENT)
      : (rt.env.ANALYTICS as RpcBinding<AnalyticsRpc>);
    await withTimeout(
      analytics.recordLearningEvents(queued.map((q) => JSON.parse(q.body) as LearningEvent)),
      RPC_TIMEOUT_MS,
    );
    rt.store.dropQueuedEvents(last.seq);
    return rt.store.queuedEventCount() === 0;
  } catch (e) {
    rt.log.warn("analytics unavailable; events stay queued", errorFields(e));
    return false;
  }
}
