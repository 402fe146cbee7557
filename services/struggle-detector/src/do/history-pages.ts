import * as v from "valibot";
import { decodeCursor, encodeCursor, type InterventionPage, type PageQuery, type SessionPage } from "../db/history";
import type { InterventionRow, SessionRow } from "./local-store";

/**
 * The learner's own history pages, answered from this object's SQLite: it is the source of truth
 * (D1 holds a copy for reporting), so a page answers during a D1 outage whether or not anyone
 * read it before, and never waits for D1. Same keyset cursors and order as the D1 copy.
 */
type Row = Record<string, SqlStorageValue>;

const DriversSchema = v.array(v.string());

function keyset(table: "sessions" | "interventions", page: PageQuery): { sql: string; args: SqlStorageValue[] } {
  const [time, id] = table === "sessions" ? ["started_at", "session_id"] : ["created_at", "intervention_id"];
  const after = decodeCursor(page.cursor);
  const where = after ? `WHERE ${time} < ? OR (${time} = ? AND ${id} < ?)` : "";
  return {
    sql: `SELECT * FROM ${table} ${where} ORDER BY ${time} DESC, ${id} DESC LIMIT ?`,
    args: [...(after ? [after.t, after.t, after.id] : []), page.limit + 1],
  };
}

export function sessionsPage(sql: SqlStorage, page: PageQuery): SessionPage {
  const q = keyset("sessions", page);
  const rows = sql.exec<SessionRow & Row>(q.sql, ...q.args).toArray();
  const items = rows.slice(0, page.limit);
  const last = items.at(-1);
  return {
    sessions: items.map((r) => ({
      sessionId: r.session_id,
      contextId: r.context_id,
      startedAt: r.started_at,
      lastSignalAt: r.last_signal_at,
      signalCount: r.signal_count,
      struggleCount: r.struggle_count,
      interventionCount: r.intervention_count,
      peakScore: r.peak_score,
    })),
    nextCursor: rows.length > page.limit && last ? encodeCursor(last.started_at, last.session_id) : null,
  };
}

export function interventionsPage(sql: SqlStorage, page: PageQuery): InterventionPage {
  const q = keyset("interventions", page);
  const rows = sql.exec<InterventionRow & Row>(q.sql, ...q.args).toArray();
  const items = rows.slice(0, page.limit);
  const last = items.at(-1);
  return {
    interventions: items.map((r) => {
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
    }),
    nextCursor: rows.length > page.limit && last ? encodeCursor(last.created_at, last.intervention_id) : null,
  };
}
