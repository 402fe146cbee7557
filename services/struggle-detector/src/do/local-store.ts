import { ensureSchema } from "@atomic-guide/shared/do-schema";
import { IdleExpiry } from "@atomic-guide/shared/learner-retention/idle-expiry";
import { D1Outbox } from "@atomic-guide/shared/resilience/outbox";
import { LearningEventQueue } from "@atomic-guide/shared/rpc/learning-event-queue";
import type { LearningSessionsTable, StruggleEventsTable } from "../db/schema";

/** The outbox whose tables this store's schema creates (runtime.ts opens it with `createTables: false`). */
export const OUTBOX_NAME = "d1";
/** The learning-event queue's table, created with this store's schema (runtime.ts opens the queue). */
export const EVENT_QUEUE_TABLE = "analytics_queue";
/**
 * Raised whenever SCHEMA changes, so every existing object runs it once more; SCHEMA must stay
 * idempotent (IF NOT EXISTS) for that.
 */
export const SCHEMA_VERSION = "4";

/**
 * The Durable Object's own SQLite: the detector state, the last day of signals (for
 * de-duplication and export), and the learner's sessions, struggle events and interventions.
 * It is the source of truth; D1 receives a copy through the outbox for reporting and paging.
 */
// Rowid tables on purpose: WITHOUT ROWID saves one billed row per stored signal (no separate
// index for the text key) but measured about 30% more workerd CPU per 20-signal batch and a third
// less throughput (bench, "signals over WebSocket"): each row then goes into a b-tree ordered by
// its text key instead of being appended, and the time index carries that key.
const SCHEMA = `
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS signals (
  key TEXT PRIMARY KEY, at_ms INTEGER NOT NULL, session_id TEXT NOT NULL, type TEXT NOT NULL,
  element_id TEXT, duration_ms INTEGER, correct INTEGER, content_type TEXT
);
CREATE INDEX IF NOT EXISTS signals_at ON signals (at_ms);
CREATE TABLE IF NOT EXISTS sessions (
  session_id TEXT PRIMARY KEY, launch_id TEXT, context_id TEXT, started_at TEXT NOT NULL,
  last_signal_at TEXT, signal_count INTEGER NOT NULL DEFAULT 0, struggle_count INTEGER NOT NULL DEFAULT 0,
  intervention_count INTEGER NOT NULL DEFAULT 0, peak_score REAL NOT NULL DEFAULT 0,
  last_activity_ms INTEGER NOT NULL, dirty INTEGER NOT NULL DEFAULT 0
);
-- Every batch without a named session asks for the latest one: a learner keeps months of them.
CREATE INDEX IF NOT EXISTS sessions_last_activity ON sessions (last_activity_ms);
CREATE TABLE IF NOT EXISTS struggle_events (
  event_id TEXT PRIMARY KEY, session_id TEXT NOT NULL, element_id TEXT, level TEXT NOT NULL,
  score REAL NOT NULL, drivers TEXT NOT NULL, detected_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS interventions (
  intervention_id TEXT PRIMARY KEY, session_id TEXT NOT NULL, kind TEXT NOT NULL, element_id TEXT,
  message TEXT NOT NULL, suggestion TEXT, provider TEXT, drivers TEXT NOT NULL, delivered_via TEXT NOT NULL,
  created_at TEXT NOT NULL, outcome TEXT, responded_at TEXT
);
`;

/** Walks the sessions_last_activity index from its end: one row read, however many sessions. */
export const LATEST_SESSION_SQL = "SELECT * FROM sessions ORDER BY last_activity_ms DESC LIMIT 1";

// The object holds one learner, so its rows are D1's without the tenant and user columns.
export type SessionRow = Omit<LearningSessionsTable, "tenant_id" | "user_id"> & {
  last_activity_ms: number;
  dirty: number;
};

export type StruggleEventRow = Omit<StruggleEventsTable, "tenant_id" | "user_id" | "context_id">;

export interface InterventionRow {
  intervention_id: string;
  session_id: string;
  kind: string;
  element_id: string | null;
  message: string;
  suggestion: string | null;
  provider: string | null;
  drivers: string;
  delivered_via: string;
  created_at: string;
  outcome: string | null;
  responded_at: string | null;
}

type Row = Record<string, SqlStorageValue>;

export class LocalStore {
  /**
   * Every meta value's JSON, read in one query when the store opens (a wake reads some eight
   * keys, each a statement of its own otherwise; the table holds a dozen small rows at most).
   * This object is the table's only writer and `deleteAll` is always followed by a new store,
   * so the copy cannot go stale. Parsed per read, so no caller holds another's object.
   */
  private readonly meta: Map<string, string>;

  private readonly sql: SqlStorage;

  /** A woken object checks one schema mark instead of re-running its CREATE statements. */
  constructor(storage: DurableObjectStorage) {
    this.sql = storage.sql;
    ensureSchema(
      storage,
      SCHEMA_VERSION,
      SCHEMA + D1Outbox.tablesDdl(OUTBOX_NAME) + LearningEventQueue.ddl(EVENT_QUEUE_TABLE) + IdleExpiry.DDL,
      // Version 3: queued events keep their caller's version pins; older queues gain the column.
      (sql) => LearningEventQueue.addPinsColumn(sql, EVENT_QUEUE_TABLE),
    );
    this.meta = new Map(
      this.sql.exec<{ key: string; value: string }>("SELECT key, value FROM meta").raw() as Iterable<[string, string]>,
    );
  }

  getMeta<T>(key: string): T | undefined {
    const json = this.meta.get(key);
    return json === undefined ? undefined : (JSON.parse(json) as T);
  }

  setMeta(key: string, value: unknown): void {
    const json = JSON.stringify(value);
    if (this.meta.get(key) === json) return;
    this.sql.exec(
      "INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
      key,
      json,
    );
    this.meta.set(key, json);
  }

  deleteMeta(key: string): void {
    this.sql.exec("DELETE FROM meta WHERE key = ?", key);
    this.meta.delete(key);
  }

  /** Stores a signal unless the same one (type, time, element) is already here; false for a duplicate. */
  insertSignal(s: {
    key: string;
    atMs: number;
    sessionId: string;
    type: string;
    elementId?: string | undefined;
    durationMs?: number | undefined;
    correct?: boolean | undefined;
    contentType?: string | undefined;
  }): boolean {
    const cursor = this.sql.exec(
      `INSERT INTO signals (key, at_ms, session_id, type, element_id, duration_ms, correct, content_type)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (key) DO NOTHING`,
      s.key,
      s.atMs,
      s.sessionId,
      s.type,
      s.elementId ?? null,
      s.durationMs ?? null,
      s.correct === undefined ? null : s.correct ? 1 : 0,
      s.contentType ?? null,
    );
    return cursor.rowsWritten > 0;
  }

  pruneSignals(olderThanMs: number): void {
    this.sql.exec("DELETE FROM signals WHERE at_ms < ?", olderThanMs);
  }

  session(sessionId: string): SessionRow | undefined {
    return this.sql.exec<SessionRow & Row>("SELECT * FROM sessions WHERE session_id = ?", sessionId).toArray()[0];
  }

  latestSession(): SessionRow | undefined {
    return this.sql.exec<SessionRow & Row>(LATEST_SESSION_SQL).toArray()[0];
  }

  /** A new session is marked dirty: the alarm's debounced copy takes it to D1. */
  insertSession(row: Omit<SessionRow, "dirty">): void {
    this.sql.exec(
      `INSERT INTO sessions (session_id, launch_id, context_id, started_at, last_signal_at, signal_count,
         struggle_count, intervention_count, peak_score, last_activity_ms, dirty)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 1)`,
      row.session_id,
      row.launch_id,
      row.context_id,
      row.started_at,
      row.last_signal_at,
      row.signal_count,
      row.struggle_count,
      row.intervention_count,
      row.peak_score,
      row.last_activity_ms,
    );
  }

  touchSession(
    sessionId: string,
    d: {
      signals: number;
      lastSignalAt: string | null;
      score: number;
      struggles: number;
      interventions: number;
      nowMs: number;
    },
  ): void {
    this.sql.exec(
      `UPDATE sessions SET signal_count = signal_count + ?,
         last_signal_at = CASE WHEN ? IS NOT NULL AND (last_signal_at IS NULL OR ? > last_signal_at) THEN ? ELSE last_signal_at END,
         peak_score = MAX(peak_score, ?), struggle_count = struggle_count + ?, intervention_count = intervention_count + ?,
         last_activity_ms = ?, dirty = 1
       WHERE session_id = ?`,
      d.signals,
      d.lastSignalAt,
      d.lastSignalAt,
      d.lastSignalAt,
      d.score,
      d.struggles,
      d.interventions,
      d.nowMs,
      sessionId,
    );
  }

  /** Sessions changed since they were last copied to D1; clears the mark. */
  takeDirtySessions(): SessionRow[] {
    const rows = this.sql.exec<SessionRow & Row>("SELECT * FROM sessions WHERE dirty = 1").toArray();
    this.sql.exec("UPDATE sessions SET dirty = 0 WHERE dirty = 1");
    return rows;
  }

  sessions(): SessionRow[] {
    return this.sql.exec<SessionRow & Row>("SELECT * FROM sessions ORDER BY started_at DESC").toArray();
  }

  insertStruggleEvent(row: StruggleEventRow): void {
    this.sql.exec(
      "INSERT INTO struggle_events (event_id, session_id, element_id, level, score, drivers, detected_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
      row.event_id,
      row.session_id,
      row.element_id,
      row.level,
      row.score,
      row.drivers,
      row.detected_at,
    );
  }

  struggleEvents(): StruggleEventRow[] {
    return this.sql.exec<StruggleEventRow & Row>("SELECT * FROM struggle_events ORDER BY detected_at DESC").toArray();
  }

  insertIntervention(row: InterventionRow): void {
    this.sql.exec(
      `INSERT INTO interventions (intervention_id, session_id, kind, element_id, message, suggestion, provider, drivers,
         delivered_via, created_at, outcome, responded_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      row.intervention_id,
      row.session_id,
      row.kind,
      row.element_id,
      row.message,
      row.suggestion,
      row.provider,
      row.drivers,
      row.delivered_via,
      row.created_at,
      row.outcome,
      row.responded_at,
    );
  }

  intervention(id: string): InterventionRow | undefined {
    return this.sql
      .exec<InterventionRow & Row>("SELECT * FROM interventions WHERE intervention_id = ?", id)
      .toArray()[0];
  }

  setOutcome(id: string, outcome: string, respondedAt: string): void {
    this.sql.exec(
      "UPDATE interventions SET outcome = ?, responded_at = ? WHERE intervention_id = ?",
      outcome,
      respondedAt,
      id,
    );
  }

  interventions(): InterventionRow[] {
    return this.sql.exec<InterventionRow & Row>("SELECT * FROM interventions ORDER BY created_at DESC").toArray();
  }

  recentSignals(limit = 1_000): Row[] {
    return this.sql.exec<Row>("SELECT * FROM signals ORDER BY at_ms DESC LIMIT ?", limit).toArray();
  }

  /** Rows the learner would call "their data", for the erasure receipt. */
  learnerRowCount(): number {
    return this.sql
      .exec<{ n: number }>(
        "SELECT (SELECT COUNT(*) FROM signals) + (SELECT COUNT(*) FROM sessions) + (SELECT COUNT(*) FROM struggle_events) + (SELECT COUNT(*) FROM interventions) AS n",
      )
      .one().n;
  }
}
