import * as v from "valibot";
import { withTimeout } from "../timeout";
import type { AnalyticsRpc, LearningEvent } from "./analytics";
import type { RpcBinding } from "./service";
import { pinnedBinding, type VersionPins, VersionPinsSchema } from "./version-pins";

/** Whom queued events are sent for: a tenant pinned to analytics' candidate version reaches it. */
export interface EventCaller {
  tenantId: string;
  pins?: VersionPins | undefined;
}

/** Where the events go: the owner's tenant and the database its owner record holds now. */
export interface EventTarget {
  binding: Fetcher;
  environment: string | undefined;
  tenantId: string;
  d1Binding: string | null | undefined;
  /** Events per call (analytics takes at most 500). */
  limit: number;
  /** How long analytics gets to take them; the events stay queued past it. */
  waitMs: number;
}

const TableNameSchema = v.pipe(v.string(), v.regex(/^[a-z_]+$/));

/**
 * Learning events a Durable Object keeps in its SQLite until analytics has them, written in the
 * same step as the change they describe, so an analytics or D1 outage delays them and never
 * loses them. Each keeps the version pins of the call that caused it, so the send, from an
 * alarm with no caller, reaches the analytics version the tenant was pinned to. Struggle-
 * detector's learner objects and chat's conversation objects queue their events here; when and
 * how often to retry stays with the object's alarm.
 */
export class LearningEventQueue {
  /** The queue's table, for the object's schema (idempotent). */
  static ddl(table: string): string {
    return `CREATE TABLE IF NOT EXISTS ${v.parse(TableNameSchema, table)} (
      seq INTEGER PRIMARY KEY AUTOINCREMENT, event_id TEXT NOT NULL UNIQUE, body TEXT NOT NULL, pins TEXT
    );`;
  }

  /** For a table created before events kept their pins: adds the column (idempotent). */
  static addPinsColumn(sql: SqlStorage, table: string): void {
    const name = v.parse(TableNameSchema, table);
    if (!sql.exec(`SELECT * FROM ${name} LIMIT 0`).columnNames.includes("pins")) {
      sql.exec(`ALTER TABLE ${name} ADD COLUMN pins TEXT`);
    }
  }

  private readonly table: string;

  constructor(
    private readonly sql: SqlStorage,
    table: string,
  ) {
    this.table = v.parse(TableNameSchema, table);
  }

  /** Queues one event; an event id already queued is not queued twice. */
  queue(event: LearningEvent, caller: EventCaller): void {
    this.sql.exec(
      `INSERT INTO ${this.table} (event_id, body, pins) VALUES (?, ?, ?) ON CONFLICT (event_id) DO NOTHING`,
      event.eventId,
      JSON.stringify(event),
      caller.pins ? JSON.stringify(caller.pins) : null,
    );
  }

  hasPending(): boolean {
    return this.sql.exec(`SELECT 1 FROM ${this.table} LIMIT 1`).toArray().length > 0;
  }

  /**
   * Sends the oldest queued events, each stamped with the database the owner uses now (so events
   * queued before a tenant moved to its own database follow it there), through the pins of the
   * newest of them, and drops them once analytics has them. Resolves true when none are left;
   * rejects when analytics did not take them within `waitMs` (they stay queued).
   */
  async sendOldest(target: EventTarget): Promise<boolean> {
    const rows = this.sql
      .exec<{ seq: number; body: string; pins: string | null }>(
        `SELECT seq, body, pins FROM ${this.table} ORDER BY seq LIMIT ?`,
        target.limit,
      )
      .toArray();
    const last = rows.at(-1);
    if (!last) return true;
    const pins = last.pins === null ? undefined : v.safeParse(VersionPinsSchema, JSON.parse(last.pins));
    const caller = { tenantId: target.tenantId, pins: pins?.success ? pins.output : undefined };
    const analytics = pinnedBinding<RpcBinding<AnalyticsRpc>>(target.binding, "analytics", caller, target.environment);
    const events = rows.map((row) => {
      const { d1Binding: _queuedWith, ...event } = JSON.parse(row.body) as LearningEvent;
      return (target.d1Binding ? { ...event, d1Binding: target.d1Binding } : event) as LearningEvent;
    });
    await withTimeout(analytics.recordLearningEvents(events), target.waitMs);
    this.sql.exec(`DELETE FROM ${this.table} WHERE seq <= ?`, last.seq);
    return !this.hasPending();
  }
}
