import * as v from "valibot";
import { decodeCursor, encodeCursor, type PageQuery } from "../db/history";
import type { InterventionRow, SessionRow } from "./local-store";

/**
 * The learner's own history pages, answered from this object's SQLite: it is the source of truth
 * (D1 holds a copy for reporting), so a page answers during a D1 outage whether or not anyone
 * read it before, and never waits for D1. Same keyset cursors and order as the D1 copy.
 */
type Row = Record<string, SqlStorageValue>;

const DriversSchema = v.array(v.string());

const KEYSETS = {
  sessions: { time: "started_at", id: "session_id" },
  interventions: { time: "created_at", id: "intervention_id" },
} as const;

/**
 * One page of `table`, newest first, after the cursor's (time, id): `limit` rows, and a cursor
 * to the next page only when one more row exists.
 */
function keysetPage<R extends Row, T>(
  sql: SqlStorage,
  table: keyof typeof KEYSETS,
  page: PageQuery,
  toItem: (row: R) => T,
): { items: T[]; nextCursor: string | null } {
  const { time, id } = KEYSETS[table];
  const after = decodeCursor(page.cursor);
  const where = after ? `WHERE ${time} < ? OR (${time} = ? AND ${id} < ?)` : "";
  const rows = sql
    .exec<R>(
      `SELECT * FROM ${table} ${where} ORDER BY ${time} DESC, ${id} DESC LIMIT ?`,
      ...(after ? [after.t, after.t, after.id] : []),
      page.limit + 1,
    )
    .toArray();
  const items = rows.slice(0, page.limit);
  const last = items.at(-1);
  return {
    items: items.map(toItem),
    nextCursor: rows.length > page.limit && last ? encodeCursor(String(last[time]), String(last[id])) : null,
  };
}

/**
 * The pages' items are typed by the mappers below, the one place their fields are written: the
 * routes answer with what the object returns, and nothing validates a page on its way out.
 */
export function sessionsPage(sql: SqlStorage, page: PageQuery) {
  const { items, nextCursor } = keysetPage(sql, "sessions", page, (r: SessionRow & Row) => ({
    sessionId: r.session_id,
    contextId: r.context_id,
    startedAt: r.started_at,
    lastSignalAt: r.last_signal_at,
    signalCount: r.signal_count,
    struggleCount: r.struggle_count,
    interventionCount: r.intervention_count,
    peakScore: r.peak_score,
  }));
  return { sessions: items, nextCursor };
}

export function interventionsPage(sql: SqlStorage, page: PageQuery) {
  const { items, nextCursor } = keysetPage(sql, "interventions", page, (r: InterventionRow & Row) => {
    const drivers = v.safeParse(DriversSchema, JSON.parse(r.drivers));
    return {
      id: r.intervention_id,
      sessionId: r.session_id,
      kind: r.kind,
      elementId: r.element_id,
      message: r.message,
      drivers: drivers.success ? drivers.output : [],
      deliveredVia: r.delivered_via,
      createdAt: r.created_at,
      outcome: r.outcome,
      respondedAt: r.responded_at,
    };
  });
  return { interventions: items, nextCursor };
}
