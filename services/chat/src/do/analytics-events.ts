import { createLogger, errorFields, type LearningEvent } from "@atomic-guide/shared";
import { outboxBackoffFor, outboxBackoffMs, scheduleAlarmBy } from "@atomic-guide/shared/resilience/outbox-retry";
import { type EventCaller, sendQueuedLearningEvents } from "@atomic-guide/shared/rpc/queued-learning-events";
import { VersionPinsSchema } from "@atomic-guide/shared/rpc/version-pins";
import * as v from "valibot";

export type { EventCaller };

/** Part of the conversation's schema (conversation-schema.ts). */
export const ANALYTICS_EVENTS_DDL = `CREATE TABLE IF NOT EXISTS analytics_events (
    seq INTEGER PRIMARY KEY AUTOINCREMENT, event_id TEXT NOT NULL UNIQUE, body TEXT NOT NULL, pins TEXT
  );`;

/** Events per call to analytics (its batch limit is 500). */
const SEND_BATCH = 100;
/** Nobody waits on the alarm: an overloaded analytics gets time to answer before a retry. */
export const ANALYTICS_WAIT_MS = 15_000;

const log = createLogger({ service: "chat", component: "analytics-events" });

/**
 * A conversation's learning events (`chat_message`) wait in its object's SQLite until analytics
 * has them, written in the same step as the answer they describe: an analytics or D1 outage
 * delays them, never loses them. The alarm that archives the turn sends them; a failure retries
 * with the outbox backoff. An erasure or expiry wipes the object, queued events with it.
 */
export class AnalyticsEventQueue {
  /** Failed sends in a row, for the backoff; an evicted object starts again at the first delay. */
  private failures = 0;

  constructor(private readonly sql: SqlStorage) {}

  queue(event: LearningEvent, caller: EventCaller): void {
    this.sql.exec(
      "INSERT INTO analytics_events (event_id, body, pins) VALUES (?, ?, ?) ON CONFLICT (event_id) DO NOTHING",
      event.eventId,
      JSON.stringify(event),
      caller.pins ? JSON.stringify(caller.pins) : null,
    );
  }

  hasPending(): boolean {
    return this.sql.exec("SELECT 1 FROM analytics_events LIMIT 1").toArray().length > 0;
  }

  /**
   * Sends the oldest queued events for the conversation's owner, stamped with the database its
   * owner row holds now (so events queued before the tenant moved follow it). True when none are left.
   */
  async send(
    env: Env,
    storage: DurableObjectStorage,
    owner: { tenantId: string; d1Binding: string | null },
  ): Promise<boolean> {
    const rows = this.sql
      .exec<{ seq: number; body: string; pins: string | null }>(
        "SELECT seq, body, pins FROM analytics_events ORDER BY seq LIMIT ?",
        SEND_BATCH,
      )
      .toArray();
    const last = rows.at(-1);
    if (!last) return true;
    const pins = last.pins === null ? undefined : v.safeParse(VersionPinsSchema, JSON.parse(last.pins));
    try {
      await sendQueuedLearningEvents(
        env.ANALYTICS,
        env.ENVIRONMENT,
        { tenantId: owner.tenantId, pins: pins?.success ? pins.output : undefined },
        rows.map((row) => row.body),
        owner.d1Binding,
        ANALYTICS_WAIT_MS,
      );
    } catch (e) {
      this.failures += 1;
      log.warn("analytics unavailable; chat events stay queued", { queued: rows.length, ...errorFields(e) });
      await scheduleAlarmBy(storage, Date.now() + outboxBackoffMs(this.failures, outboxBackoffFor(env)));
      return false;
    }
    this.failures = 0;
    this.sql.exec("DELETE FROM analytics_events WHERE seq <= ?", last.seq);
    if (rows.length < SEND_BATCH) return true;
    await scheduleAlarmBy(storage, Date.now());
    return false;
  }
}
