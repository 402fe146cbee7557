import { createLogger, errorFields } from "@atomic-guide/shared";
import { outboxBackoffFor, outboxBackoffMs, scheduleAlarmBy } from "@atomic-guide/shared/resilience/outbox-retry";
import { LearningEventQueue } from "@atomic-guide/shared/rpc/learning-event-queue";

export type { EventCaller } from "@atomic-guide/shared/rpc/learning-event-queue";

/** The conversation's queue table (part of conversation-schema.ts). */
export const ANALYTICS_EVENTS_TABLE = "analytics_events";
/** Events per call to analytics (its batch limit is 500). */
const SEND_BATCH = 100;
/** Nobody waits on the alarm: an overloaded analytics gets time to answer before a retry. */
export const ANALYTICS_WAIT_MS = 15_000;

const log = createLogger({ service: "chat", component: "analytics-events" });

/**
 * A conversation's learning events (`chat_message`), queued with the answer they describe
 * (shared's LearningEventQueue): the alarm that archives the turn sends them, and a failure
 * retries with the outbox backoff. An erasure or expiry wipes the object, queued events with it.
 */
export class ConversationEvents extends LearningEventQueue {
  /** Failed sends in a row, for the backoff; an evicted object starts again at the first delay. */
  private failures = 0;

  constructor(sql: SqlStorage) {
    super(sql, ANALYTICS_EVENTS_TABLE);
  }

  /** Sends what is queued for the conversation's owner; true when none are left. */
  async send(
    env: Env,
    storage: DurableObjectStorage,
    owner: { tenantId: string; d1Binding: string | null },
  ): Promise<boolean> {
    let empty: boolean;
    try {
      empty = await this.sendOldest({
        binding: env.ANALYTICS,
        environment: env.ENVIRONMENT,
        tenantId: owner.tenantId,
        d1Binding: owner.d1Binding,
        limit: SEND_BATCH,
        waitMs: ANALYTICS_WAIT_MS,
      });
    } catch (e) {
      this.failures += 1;
      log.warn("analytics unavailable; chat events stay queued", errorFields(e));
      await scheduleAlarmBy(storage, Date.now() + outboxBackoffMs(this.failures, outboxBackoffFor(env)));
      return false;
    }
    this.failures = 0;
    if (!empty) await scheduleAlarmBy(storage, Date.now());
    return empty;
  }
}
