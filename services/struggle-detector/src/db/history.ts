import { badRequest, type TenantDb } from "@atomic-guide/shared";
import { queryName } from "@atomic-guide/shared/metrics/query-name";
import type { Kysely } from "kysely";
import * as v from "valibot";
import type { StruggleDb } from "./schema";

export const PageQuerySchema = v.object({
  cursor: v.optional(v.pipe(v.string(), v.maxLength(512))),
  limit: v.optional(
    v.pipe(
      v.string(),
      v.regex(/^\d{1,3}$/, "must be a whole number"),
      v.transform(Number),
      v.minValue(1),
      v.maxValue(100, "must be at most 100"),
    ),
    "20",
  ),
});
export type PageQuery = v.InferOutput<typeof PageQuerySchema>;

const CursorSchema = v.object({ t: v.string(), id: v.string() });

/** Keyset cursors (time, id): stable while new rows arrive, and opaque to clients. */
export function encodeCursor(t: string, id: string): string {
  return btoa(JSON.stringify({ t, id })).replaceAll("+", "-").replaceAll("/", "_").replaceAll("=", "");
}

export function decodeCursor(cursor: string | undefined): { t: string; id: string } | undefined {
  if (cursor === undefined) return undefined;
  try {
    return v.parse(CursorSchema, JSON.parse(atob(cursor.replaceAll("-", "+").replaceAll("_", "/"))));
  } catch {
    throw badRequest("invalid_cursor", "The cursor is not one this API issued.");
  }
}

export interface Learner {
  tenantId: string;
  userId: string;
}

export const SessionItemSchema = v.object({
  sessionId: v.string(),
  contextId: v.nullable(v.string()),
  startedAt: v.string(),
  lastSignalAt: v.nullable(v.string()),
  signalCount: v.number(),
  struggleCount: v.number(),
  interventionCount: v.number(),
  peakScore: v.number(),
});
export const SessionPageSchema = v.object({ sessions: v.array(SessionItemSchema), nextCursor: v.nullable(v.string()) });
export type SessionPage = v.InferOutput<typeof SessionPageSchema>;

/** One page of a learner's sessions, newest first, after the keyset cursor `after`. */
export function sessionsPageQuery(
  db: Kysely<StruggleDb>,
  tenantId: string,
  userId: string,
  after: { t: string; id: string } | undefined,
  limit: number,
) {
  let q = db
    .selectFrom("learning_sessions")
    .selectAll()
    .where("tenant_id", "=", tenantId)
    .where("user_id", "=", userId);
  if (after) {
    q = q.where((eb) =>
      eb.or([
        eb("started_at", "<", after.t),
        eb.and([eb("started_at", "=", after.t), eb("session_id", "<", after.id)]),
      ]),
    );
  }
  return q
    .orderBy("started_at", "desc")
    .orderBy("session_id", "desc")
    .limit(limit)
    .modifyEnd(queryName(after ? "sessions.pageAfter" : "sessions.page"));
}

export async function listSessions(tdb: TenantDb<StruggleDb>, who: Learner, page: PageQuery): Promise<SessionPage> {
  const rows = await sessionsPageQuery(
    tdb.db,
    tdb.tenantId,
    who.userId,
    decodeCursor(page.cursor),
    page.limit + 1,
  ).execute();
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

export const InterventionItemSchema = v.object({
  id: v.string(),
  sessionId: v.string(),
  kind: v.string(),
  elementId: v.nullable(v.string()),
  message: v.string(),
  drivers: v.array(v.string()),
  deliveredVia: v.string(),
  createdAt: v.string(),
  outcome: v.nullable(v.string()),
  respondedAt: v.nullable(v.string()),
});
export const InterventionPageSchema = v.object({
  interventions: v.array(InterventionItemSchema),
  nextCursor: v.nullable(v.string()),
});
export type InterventionPage = v.InferOutput<typeof InterventionPageSchema>;

const DriversSchema = v.array(v.string());

/** One page of a learner's interventions, newest first, after the keyset cursor `after`. */
export function interventionsPageQuery(
  db: Kysely<StruggleDb>,
  tenantId: string,
  userId: string,
  after: { t: string; id: string } | undefined,
  limit: number,
) {
  let q = db.selectFrom("interventions").selectAll().where("tenant_id", "=", tenantId).where("user_id", "=", userId);
  if (after) {
    q = q.where((eb) =>
      eb.or([
        eb("created_at", "<", after.t),
        eb.and([eb("created_at", "=", after.t), eb("intervention_id", "<", after.id)]),
      ]),
    );
  }
  return q
    .orderBy("created_at", "desc")
    .orderBy("intervention_id", "desc")
    .limit(limit)
    .modifyEnd(queryName(after ? "interventions.pageAfter" : "interventions.page"));
}

export async function listInterventions(
  tdb: TenantDb<StruggleDb>,
  who: Learner,
  page: PageQuery,
): Promise<InterventionPage> {
  const rows = await interventionsPageQuery(
    tdb.db,
    tdb.tenantId,
    who.userId,
    decodeCursor(page.cursor),
    page.limit + 1,
  ).execute();
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
