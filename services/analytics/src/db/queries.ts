import { queryName } from "@atomic-guide/shared/metrics/query-name";
import { CompiledQuery, sql } from "kysely";
import { cols, jsonInsert } from "./json-insert";
import type { AnalyticsDatabase, Db } from "./schema";

// The learning events and the course roster: what arrives, what a course's insight reads, and
// what a learner's export and erasure touch. Each query is named by a `/* name *\/` comment (its
// name in metrics); query-plan-cases.ts lists them for the query-plan gate.
const EVENT_COLUMNS = [
  "tenant_id",
  "event_id",
  "type",
  "user_id",
  "context_id",
  "at",
  "session_id",
  "element_id",
  "intervention_id",
  "kind",
  "level",
  "score",
  "action",
  "conversation_id",
  "provider",
  "tokens",
  "learner_name",
];
const ROSTER_COLUMNS = ["tenant_id", "context_id", "user_id", "name", "roles", "is_learner", "synced_at"];

/** Insight reads: one course (tenant + context) over a window. */
export interface CourseWindow {
  tenantId: string;
  contextId: string;
  from: string;
  to: string;
}

const courseEvents = (db: Db, w: CourseWindow, type: string) =>
  db
    .selectFrom("learning_events")
    .where("tenant_id", "=", w.tenantId)
    .where("context_id", "=", w.contextId)
    .where("type", "=", type)
    .where("at", ">=", w.from)
    .where("at", "<", w.to);

export const insightReads = {
  hotSpots: (db: Db, w: CourseWindow) =>
    courseEvents(db, w, "struggle_detected")
      .where("element_id", "is not", null)
      .select([
        "element_id",
        sql<number>`count(*)`.as("events"),
        sql<number>`count(distinct user_id)`.as("learners"),
        sql<number>`avg(score)`.as("avg_score"),
        sql<number>`sum(level = 'struggling')`.as("struggling"),
      ])
      .groupBy("element_id")
      .orderBy("learners", "desc")
      .orderBy("events", "desc")
      .limit(50)
      .modifyEnd(queryName("insight.hotSpots")),
  activeUsers: (db: Db, w: CourseWindow) =>
    db
      .selectFrom("learning_events")
      .select(["user_id", sql<string>`max(at)`.as("last_seen")])
      .where("tenant_id", "=", w.tenantId)
      .where("context_id", "=", w.contextId)
      .where("at", ">=", w.from)
      .where("at", "<", w.to)
      .groupBy("user_id")
      .modifyEnd(queryName("insight.activeUsers")),
  roster: (db: Db, w: Pick<CourseWindow, "tenantId" | "contextId">) =>
    db
      .selectFrom("course_roster")
      .select(["user_id", "name", "is_learner"])
      .where("tenant_id", "=", w.tenantId)
      .where("context_id", "=", w.contextId)
      .modifyEnd(queryName("insight.roster")),
  interventionsDelivered: (db: Db, w: CourseWindow) =>
    courseEvents(db, w, "intervention_delivered")
      .select(["kind", sql<number>`count(*)`.as("delivered"), sql<number>`count(distinct user_id)`.as("learners")])
      .groupBy("kind")
      .modifyEnd(queryName("insight.interventionsDelivered")),
  interventionOutcomes: (db: Db, w: CourseWindow) =>
    courseEvents(db, w, "intervention_responded")
      .select(["action", sql<number>`count(*)`.as("responses"), sql<number>`count(distinct user_id)`.as("learners")])
      .groupBy("action")
      .modifyEnd(queryName("insight.interventionOutcomes")),
  /**
   * Responses in the window by the kind of intervention they answer: each joined to its delivery
   * by intervention id (indexed), wherever that delivery falls.
   */
  responsesByKind: (db: Db, w: CourseWindow) =>
    db
      .selectFrom("learning_events as r")
      .innerJoin("learning_events as d", (join) =>
        join.onRef("d.tenant_id", "=", "r.tenant_id").onRef("d.intervention_id", "=", "r.intervention_id"),
      )
      .where("r.tenant_id", "=", w.tenantId)
      .where("r.context_id", "=", w.contextId)
      .where("r.type", "=", "intervention_responded")
      .where("r.at", ">=", w.from)
      .where("r.at", "<", w.to)
      .where("d.type", "=", "intervention_delivered")
      .select([
        "d.kind as kind",
        "r.action as action",
        sql<number>`count(distinct r.intervention_id)`.as("interventions"),
        sql<number>`count(distinct r.user_id)`.as("learners"),
      ])
      .groupBy(["d.kind", "r.action"])
      .modifyEnd(queryName("insight.responsesByKind")),
  /** Learners who asked their instructor for help, newest first. */
  helpRequests: (db: Db, w: CourseWindow, limit: number) =>
    courseEvents(db, w, "help_requested")
      .select(["intervention_id", "user_id", "learner_name", "element_id", "at"])
      .orderBy("at", "desc")
      .limit(limit)
      .modifyEnd(queryName("insight.helpRequests")),
  chatByDay: (db: Db, w: CourseWindow) =>
    courseEvents(db, w, "chat_message")
      .select([
        sql<string>`substr(at, 1, 10)`.as("day"),
        sql<number>`count(*)`.as("messages"),
        sql<number>`count(distinct user_id)`.as("learners"),
      ])
      .groupBy("day")
      .orderBy("day")
      .modifyEnd(queryName("insight.chatByDay")),
  tenantEventCounts: (db: Db, tenantId: string, from: string, to: string) =>
    db
      .selectFrom("learning_events")
      .select(["type", sql<number>`count(*)`.as("events"), sql<number>`count(distinct user_id)`.as("learners")])
      .where("tenant_id", "=", tenantId)
      .where("at", ">=", from)
      .where("at", "<", to)
      .groupBy("type")
      .modifyEnd(queryName("overview.eventCounts")),
};

export const eventWrites = {
  insertEvents: (rows: readonly AnalyticsDatabase["learning_events"][]) =>
    jsonInsert(
      "events.insert",
      `INSERT INTO learning_events (${EVENT_COLUMNS.join(", ")}) SELECT ${cols(EVENT_COLUMNS)} FROM json_each(?) WHERE true
       ON CONFLICT (tenant_id, event_id) DO NOTHING`,
      rows,
    ),
  upsertRoster: (rows: readonly AnalyticsDatabase["course_roster"][]) =>
    jsonInsert(
      "roster.upsert",
      `INSERT INTO course_roster (${ROSTER_COLUMNS.join(", ")}) SELECT ${cols(ROSTER_COLUMNS)} FROM json_each(?) WHERE true
       ON CONFLICT (tenant_id, context_id, user_id) DO UPDATE SET name = excluded.name, roles = excluded.roles,
       is_learner = excluded.is_learner, synced_at = excluded.synced_at`,
      rows,
    ),
  /** Members of the course that are not in `keepUserIds` (those who left since the last sync). */
  removeStaleRoster: (tenantId: string, contextId: string, keepUserIds: readonly string[]) =>
    CompiledQuery.raw(
      `DELETE FROM course_roster WHERE tenant_id = ? AND context_id = ?
       AND user_id NOT IN (SELECT value FROM json_each(?)) /* roster.removeStale */`,
      [tenantId, contextId, JSON.stringify(keepUserIds)],
    ),
};

/** Each table that holds a learner's own rows, with the name its erase is measured under. */
const ERASE_QUERY = { learning_events: "learner.eraseEvents", course_roster: "learner.eraseRoster" } as const;
type LearnerTable = keyof typeof ERASE_QUERY;
/** What erasing a learner deletes from: a table added here is erased with the rest. */
export const LEARNER_TABLES = Object.keys(ERASE_QUERY) as LearnerTable[];

export const learnerQueries = {
  events: (db: Db, tenantId: string, userId: string) =>
    db
      .selectFrom("learning_events")
      .selectAll()
      .where("tenant_id", "=", tenantId)
      .where("user_id", "=", userId)
      .orderBy("at")
      .modifyEnd(queryName("learner.events")),
  roster: (db: Db, tenantId: string, userId: string) =>
    db
      .selectFrom("course_roster")
      .select(["context_id", "name", "roles", "synced_at"])
      .where("tenant_id", "=", tenantId)
      .where("user_id", "=", userId)
      .modifyEnd(queryName("learner.roster")),
  /** Deletes the learner's rows from one of the tables that hold them (LEARNER_TABLES). */
  erase: (db: Db, table: LearnerTable, tenantId: string, userId: string) =>
    db
      .deleteFrom(table)
      .where("tenant_id", "=", tenantId)
      .where("user_id", "=", userId)
      .modifyEnd(queryName(ERASE_QUERY[table])),
};
