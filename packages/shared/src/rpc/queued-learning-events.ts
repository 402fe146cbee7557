import { withTimeout } from "../timeout";
import type { AnalyticsRpc, LearningEvent } from "./analytics";
import type { RpcBinding } from "./service";
import { pinnedBinding, type VersionPins } from "./version-pins";

/** Whom queued events are sent for: a tenant pinned to analytics' candidate version reaches it. */
export interface EventCaller {
  tenantId: string;
  pins?: VersionPins | undefined;
}

/**
 * Sends learning events a Durable Object kept in its storage (their JSON bodies, oldest first) to
 * analytics, each stamped with the database its owner uses now, so events queued before a tenant
 * moved to its own database follow it there. Rejects when analytics does not take them within
 * `waitMs`; the caller keeps them and retries. Struggle-detector's learner objects and chat's
 * conversation objects queue their events this way.
 */
export async function sendQueuedLearningEvents(
  binding: Fetcher,
  environment: string | undefined,
  caller: EventCaller | undefined,
  bodies: readonly string[],
  d1Binding: string | null | undefined,
  waitMs: number,
): Promise<void> {
  const analytics = caller
    ? pinnedBinding<RpcBinding<AnalyticsRpc>>(binding, "analytics", caller, environment)
    : (binding as unknown as RpcBinding<AnalyticsRpc>);
  const events = bodies.map((body) => {
    const { d1Binding: _queuedWith, ...event } = JSON.parse(body) as LearningEvent;
    return (d1Binding ? { ...event, d1Binding } : event) as LearningEvent;
  });
  await withTimeout(analytics.recordLearningEvents(events), waitMs);
}
