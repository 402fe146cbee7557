import {
  type AuthContext,
  d1Statement,
  type LearnerAnalyticsExport,
  type LearningEvent,
  LearningEventSchema,
  type RosterSync,
} from "@atomic-guide/shared";
import type { InferResult } from "kysely";
import * as v from "valibot";
import { analyticsDbFor } from "../db/access";
import { eventWrites, LEARNER_TABLES, learnerQueries } from "../db/queries";
import type { AnalyticsDatabase } from "../db/schema";

type EventRow = AnalyticsDatabase["learning_events"];

/**
 * Each event field beyond the common ones, with the learning_events column that holds it: one
 * table for both directions, so a field added to an event type is stored and exported alike.
 */
const FIELD_COLUMNS = {
  sessionId: "session_id",
  elementId: "element_id",
  interventionId: "intervention_id",
  kind: "kind",
  level: "level",
  score: "score",
  action: "action",
  conversationId: "conversation_id",
  provider: "provider",
  tokens: "tokens",
  learnerName: "learner_name",
} as const satisfies Record<string, keyof EventRow>;
type FieldValues = Partial<Record<keyof typeof FIELD_COLUMNS, string | number>>;
const FIELDS = Object.entries(FIELD_COLUMNS) as [keyof typeof FIELD_COLUMNS, keyof EventRow][];

/** The event's row: its type's fields filled, every other field's column null. */
function eventRow(e: LearningEvent): EventRow {
  const fields: FieldValues = e;
  const row: Record<string, string | number | null> = {
    tenant_id: e.tenantId,
    event_id: e.eventId,
    type: e.type,
    user_id: e.userId,
    context_id: e.contextId ?? null,
    at: e.at,
  };
  for (const [field, column] of FIELDS) row[column] = fields[field] ?? null;
  return row as EventRow;
}

/**
 * The stored event back, checked against the schema it was accepted under: only a row written
 * by other means than eventRow fails, and such a row is not the learner's event to export.
 */
function eventOf(row: EventRow): LearningEvent | undefined {
  const event: Record<string, unknown> = {
    eventId: row.event_id,
    tenantId: row.tenant_id,
    userId: row.user_id,
    at: row.at,
    type: row.type,
    ...(row.context_id ? { contextId: row.context_id } : {}),
  };
  for (const [field, column] of FIELDS) if (row[column] !== null) event[field] = row[column];
  const parsed = v.safeParse(LearningEventSchema, event);
  return parsed.success ? parsed.output : undefined;
}

/**
 * Stores each event once: a replayed eventId changes nothing. Each event goes to its tenant's
 * database (the `d1Binding` its sender stamped); one statement per database in the batch.
 */
export async function storeLearningEvents(env: Env, events: readonly LearningEvent[]): Promise<number> {
  const byDatabase = new Map<string, LearningEvent[]>();
  for (const e of events) {
    const key = e.d1Binding ?? "DB";
    const same = byDatabase.get(key);
    if (same) same.push(e);
    else byDatabase.set(key, [e]);
  }
  let stored = 0;
  for (const batch of byDatabase.values()) {
    const first = batch[0] as LearningEvent;
    const { db } = analyticsDbFor(env, first);
    const result = await db.executeQuery(eventWrites.insertEvents(batch.map(eventRow)));
    stored += Number(result.numAffectedRows ?? 0n);
  }
  return stored;
}

const LEARNER_ROLE = /#Learner$|^Learner$|\/membership#Learner$/;
const STAFF_ROLE = /(Instructor|TeachingAssistant|ContentDeveloper|Administrator|Mentor)$/;

/** A roster member counts as a learner when one of their roles is Learner and none is staff. */
export const isLearnerRoles = (roles: readonly string[]) =>
  roles.some((r) => LEARNER_ROLE.test(r)) && !roles.some((r) => STAFF_ROLE.test(r));

const ROSTER_CHUNK = 1000;

/** Replaces the course roster: upserts every member, then removes those not in this sync. */
export async function syncCourseRoster(env: Env, auth: AuthContext, roster: RosterSync): Promise<number> {
  const { d1 } = analyticsDbFor(env, auth);
  const syncedAt = new Date().toISOString();
  const rows = roster.members.map((m) => ({
    tenant_id: auth.tenantId,
    context_id: roster.contextId,
    user_id: m.userId,
    name: m.name ?? null,
    roles: JSON.stringify(m.roles),
    is_learner: isLearnerRoles(m.roles) ? 1 : 0,
    synced_at: syncedAt,
  }));
  // Chunks keep each JSON parameter well under D1's 2 MB value limit.
  const upserts = [];
  for (let i = 0; i < rows.length; i += ROSTER_CHUNK) {
    upserts.push(eventWrites.upsertRoster(rows.slice(i, i + ROSTER_CHUNK)));
  }
  const prune = eventWrites.removeStaleRoster(
    auth.tenantId,
    roster.contextId,
    rows.map((r) => r.user_id),
  );
  // One batch, one transaction: the roster is never seen half replaced.
  await d1.batch([...upserts, prune].map((q) => d1Statement(d1, q)));
  return rows.length;
}

export async function exportLearnerData(
  env: Env,
  auth: Pick<AuthContext, "tenantId" | "userId" | "d1Binding">,
): Promise<LearnerAnalyticsExport> {
  const { d1, db } = analyticsDbFor(env, auth);
  // One D1 call for both reads: this runs after every learning event of a learner (the snapshot
  // refresh), so a round trip saved here is one per launch and per chat turn.
  const eventsQuery = learnerQueries.events(db, auth.tenantId, auth.userId).compile();
  const rosterQuery = learnerQueries.roster(db, auth.tenantId, auth.userId).compile();
  const [eventsResult, rosterResult] = await d1.batch([d1Statement(d1, eventsQuery), d1Statement(d1, rosterQuery)]);
  const events = (eventsResult?.results ?? []) as InferResult<typeof eventsQuery>;
  const roster = (rosterResult?.results ?? []) as InferResult<typeof rosterQuery>;
  return {
    service: "analytics",
    learningEvents: events.flatMap((row) => eventOf(row) ?? []),
    rosterEntries: roster.map((r) => ({
      contextId: r.context_id,
      name: r.name,
      roles: parseRoles(r.roles),
      syncedAt: r.synced_at,
    })),
  };
}

function parseRoles(json: string): string[] {
  try {
    const parsed: unknown = JSON.parse(json);
    return Array.isArray(parsed) ? parsed.filter((r): r is string => typeof r === "string") : [];
  } catch {
    return [];
  }
}

/** Deletes the learner's events and roster entries. Metrics samples never name a learner. */
export async function eraseLearnerData(env: Env, auth: AuthContext): Promise<number> {
  const { d1, db } = analyticsDbFor(env, auth);
  const statements = LEARNER_TABLES.map((table) =>
    learnerQueries.erase(db, table, auth.tenantId, auth.userId).compile(),
  );
  const results = await d1.batch(statements.map((s) => d1Statement(d1, s)));
  return results.reduce((sum, r) => sum + (r.meta.changes ?? 0), 0);
}
