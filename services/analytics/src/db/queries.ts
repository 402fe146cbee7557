import { queryName } from "@atomic-guide/shared/metrics/query-name";
import { type NamedQuery, planCompiler } from "@atomic-guide/shared/metrics/query-plan";
import { CompiledQuery, type Kysely, sql } from "kysely";
import type { AnalyticsDatabase } from "./schema";

/**
 * Every D1 query analytics runs, each named by a `/* name *\/` comment (the name it has in
 * metrics). `namedQueries` at the bottom lists them all for the query-plan gate
 * (queries.test.ts), which fails when one scans a table it should search.
 */
type Db = Kysely<AnalyticsDatabase>;

/** Raw SQL over `json_each(?)`: one statement inserts any number of rows (one bound parameter). */
const jsonInsert = (name: string, text: string, rows: readonly object[]) =>
  CompiledQuery.raw(`${text} /* ${name} */`, [JSON.stringify(rows)]);

const col = (key: string) => `json_extract(value, '$.${key}')`;
const cols = (keys: readonly string[]) => keys.map(col).join(", ");

const REQUEST_SAMPLE_COLUMNS = ["tenant_id", "service", "route", "method", "status", "duration_ms", "d1_ms", "at"];
const QUERY_SAMPLE_COLUMNS = ["service", "name", "duration_ms", "rows_read", "rows_written", "ok", "at"];
const ROLLUP_COLUMNS = ["count", "errors", "p50_ms", "p95_ms", "p99_ms", "max_ms", "total_ms", "hist"];
const REQUEST_ROLLUP_COLUMNS = ["tenant_id", "service", "route", "minute", ...ROLLUP_COLUMNS, "d1_ms", "d1_count"];
const QUERY_ROLLUP_COLUMNS = ["service", "name", "minute", ...ROLLUP_COLUMNS, "rows_read", "rows_written"];
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

const upsertSet = (keys: readonly string[]) => keys.map((k) => `${k} = excluded.${k}`).join(", ");

export const metricsWrites = {
  requestSamples: (rows: readonly AnalyticsDatabase["request_samples"][]) =>
    jsonInsert(
      "metrics.insertRequestSamples",
      `INSERT INTO request_samples (${REQUEST_SAMPLE_COLUMNS.join(", ")}) SELECT ${cols(REQUEST_SAMPLE_COLUMNS)} FROM json_each(?)`,
      rows,
    ),
  querySamples: (rows: readonly AnalyticsDatabase["query_samples"][]) =>
    jsonInsert(
      "metrics.insertQuerySamples",
      `INSERT INTO query_samples (${QUERY_SAMPLE_COLUMNS.join(", ")}) SELECT ${cols(QUERY_SAMPLE_COLUMNS)} FROM json_each(?)`,
      rows,
    ),
  requestRollups: (rows: readonly AnalyticsDatabase["request_rollups"][]) =>
    jsonInsert(
      "metrics.upsertRequestRollups",
      `INSERT INTO request_rollups (${REQUEST_ROLLUP_COLUMNS.join(", ")}) SELECT ${cols(REQUEST_ROLLUP_COLUMNS)} FROM json_each(?) WHERE true
       ON CONFLICT (tenant_id, service, route, minute) DO UPDATE SET ${upsertSet([...ROLLUP_COLUMNS, "d1_ms", "d1_count"])}`,
      rows,
    ),
  queryRollups: (rows: readonly AnalyticsDatabase["query_rollups"][]) =>
    jsonInsert(
      "metrics.upsertQueryRollups",
      `INSERT INTO query_rollups (${QUERY_ROLLUP_COLUMNS.join(", ")}) SELECT ${cols(QUERY_ROLLUP_COLUMNS)} FROM json_each(?) WHERE true
       ON CONFLICT (service, minute, name) DO UPDATE SET ${upsertSet([...ROLLUP_COLUMNS, "rows_read", "rows_written"])}`,
      rows,
    ),
  dropped: (rows: readonly AnalyticsDatabase["metrics_dropped"][]) =>
    jsonInsert(
      "metrics.addDropped",
      `INSERT INTO metrics_dropped (service, minute, dropped) SELECT ${cols(["service", "minute", "dropped"])} FROM json_each(?) WHERE true
       ON CONFLICT (service, minute) DO UPDATE SET dropped = metrics_dropped.dropped + excluded.dropped`,
      rows,
    ),
};

export const metricsReads = {
  storedRequestRollup: (db: Db, key: { tenant_id: string; service: string; route: string; minute: string }) =>
    db
      .selectFrom("request_rollups")
      .selectAll()
      .where("tenant_id", "=", key.tenant_id)
      .where("service", "=", key.service)
      .where("route", "=", key.route)
      .where("minute", "=", key.minute)
      .modifyEnd(queryName("metrics.storedRequestRollup")),
  storedQueryRollup: (db: Db, key: { service: string; name: string; minute: string }) =>
    db
      .selectFrom("query_rollups")
      .selectAll()
      .where("service", "=", key.service)
      .where("minute", "=", key.minute)
      .where("name", "=", key.name)
      .modifyEnd(queryName("metrics.storedQueryRollup")),
  routeRollups: (db: Db, service: string, from: string, to: string) =>
    db
      .selectFrom("request_rollups")
      .select(["service", "route", "count", "errors", "max_ms", "d1_ms", "d1_count", "hist"])
      .where("service", "=", service)
      .where("minute", ">=", from)
      .where("minute", "<=", to)
      .modifyEnd(queryName("metrics.routeRollups")),
  queryRollups: (db: Db, service: string, from: string, to: string) =>
    db
      .selectFrom("query_rollups")
      .select(["service", "name", "count", "errors", "max_ms", "total_ms", "rows_read", "rows_written", "hist"])
      .where("service", "=", service)
      .where("minute", ">=", from)
      .where("minute", "<=", to)
      .modifyEnd(queryName("metrics.queryRollups")),
  dropped: (db: Db, service: string, from: string, to: string) =>
    db
      .selectFrom("metrics_dropped")
      .select(sql<number>`coalesce(sum(dropped), 0)`.as("dropped"))
      .where("service", "=", service)
      .where("minute", ">=", from)
      .where("minute", "<=", to)
      .modifyEnd(queryName("metrics.dropped")),
  tenantRollups: (db: Db, tenantId: string, from: string, to: string) =>
    db
      .selectFrom("request_rollups")
      .select(["service", "route", "count", "errors", "max_ms", "d1_ms", "d1_count", "hist"])
      .where("tenant_id", "=", tenantId)
      .where("minute", ">=", from)
      .where("minute", "<=", to)
      .modifyEnd(queryName("overview.tenantRollups")),
};

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
  eraseEvents: (db: Db, tenantId: string, userId: string) =>
    db
      .deleteFrom("learning_events")
      .where("tenant_id", "=", tenantId)
      .where("user_id", "=", userId)
      .modifyEnd(queryName("learner.eraseEvents")),
  eraseRoster: (db: Db, tenantId: string, userId: string) =>
    db
      .deleteFrom("course_roster")
      .where("tenant_id", "=", tenantId)
      .where("user_id", "=", userId)
      .modifyEnd(queryName("learner.eraseRoster")),
};

export const auditWrites = {
  insert: (db: Db, row: AnalyticsDatabase["audit_log"]) =>
    db.insertInto("audit_log").values(row).modifyEnd(queryName("audit.insert")),
  /** The replay of a row queued during an outage: its id may already be in D1 (a lost answer). */
  insertQueued: (db: Db, row: AnalyticsDatabase["audit_log"]) =>
    db
      .insertInto("audit_log")
      .values(row)
      .onConflict((oc) => oc.doNothing())
      .modifyEnd(queryName("audit.insertQueued")),
};

/** Retention: each table's expiry column is indexed, so a sweep searches rather than scans. */
export const retentionDeletes = {
  requestSamples: (db: Db, before: string) =>
    db.deleteFrom("request_samples").where("at", "<", before).modifyEnd(queryName("retention.requestSamples")),
  querySamples: (db: Db, before: string) =>
    db.deleteFrom("query_samples").where("at", "<", before).modifyEnd(queryName("retention.querySamples")),
  requestRollups: (db: Db, beforeMinute: string) =>
    db
      .deleteFrom("request_rollups")
      .where("minute", "<", beforeMinute)
      .modifyEnd(queryName("retention.requestRollups")),
  queryRollups: (db: Db, beforeMinute: string) =>
    db.deleteFrom("query_rollups").where("minute", "<", beforeMinute).modifyEnd(queryName("retention.queryRollups")),
  dropped: (db: Db, beforeMinute: string) =>
    db.deleteFrom("metrics_dropped").where("minute", "<", beforeMinute).modifyEnd(queryName("retention.dropped")),
  events: (db: Db, before: string) =>
    db.deleteFrom("learning_events").where("at", "<", before).modifyEnd(queryName("retention.events")),
  audit: (db: Db, before: string) =>
    db.deleteFrom("audit_log").where("at", "<", before).modifyEnd(queryName("retention.audit")),
};

/** Compiles without a connection, for the gate. */
export const compileOnly: Db = planCompiler<AnalyticsDatabase>();

const t = "2026-01-01T00:00:00.000Z";
const m = "2026-01-01T00:00";
const w: CourseWindow = { tenantId: "acme", contextId: "course-1", from: t, to: t };
const db = compileOnly;

/** The gate's list: every query above with representative arguments. */
export const namedQueries: NamedQuery[] = [
  { name: "metrics.insertRequestSamples", build: () => metricsWrites.requestSamples([]) },
  { name: "metrics.insertQuerySamples", build: () => metricsWrites.querySamples([]) },
  { name: "metrics.upsertRequestRollups", build: () => metricsWrites.requestRollups([]) },
  { name: "metrics.upsertQueryRollups", build: () => metricsWrites.queryRollups([]) },
  { name: "metrics.addDropped", build: () => metricsWrites.dropped([]) },
  {
    name: "metrics.storedRequestRollup",
    build: () => metricsReads.storedRequestRollup(db, { tenant_id: "acme", service: "chat", route: "/x", minute: m }),
  },
  {
    name: "metrics.storedQueryRollup",
    build: () => metricsReads.storedQueryRollup(db, { service: "chat", name: "q", minute: m }),
  },
  { name: "metrics.routeRollups", build: () => metricsReads.routeRollups(db, "chat", m, m) },
  { name: "metrics.queryRollups", build: () => metricsReads.queryRollups(db, "chat", m, m) },
  { name: "metrics.dropped", build: () => metricsReads.dropped(db, "chat", m, m) },
  { name: "overview.tenantRollups", build: () => metricsReads.tenantRollups(db, "acme", m, m) },
  { name: "insight.hotSpots", build: () => insightReads.hotSpots(db, w) },
  { name: "insight.activeUsers", build: () => insightReads.activeUsers(db, w) },
  { name: "insight.roster", build: () => insightReads.roster(db, w) },
  { name: "insight.interventionsDelivered", build: () => insightReads.interventionsDelivered(db, w) },
  { name: "insight.interventionOutcomes", build: () => insightReads.interventionOutcomes(db, w) },
  { name: "insight.responsesByKind", build: () => insightReads.responsesByKind(db, w) },
  { name: "insight.helpRequests", build: () => insightReads.helpRequests(db, w, 100) },
  { name: "insight.chatByDay", build: () => insightReads.chatByDay(db, w) },
  { name: "overview.eventCounts", build: () => insightReads.tenantEventCounts(db, "acme", t, t) },
  { name: "events.insert", build: () => eventWrites.insertEvents([]) },
  { name: "roster.upsert", build: () => eventWrites.upsertRoster([]) },
  { name: "roster.removeStale", build: () => eventWrites.removeStaleRoster("acme", "course-1", ["u1"]) },
  { name: "learner.events", build: () => learnerQueries.events(db, "acme", "u1") },
  { name: "learner.roster", build: () => learnerQueries.roster(db, "acme", "u1") },
  { name: "learner.eraseEvents", build: () => learnerQueries.eraseEvents(db, "acme", "u1") },
  { name: "learner.eraseRoster", build: () => learnerQueries.eraseRoster(db, "acme", "u1") },
  {
    name: "audit.insert",
    build: () =>
      auditWrites.insert(db, {
        tenant_id: "acme",
        id: "a1",
        at: t,
        actor_user_id: "u1",
        action: "export",
        route: "/x",
        subject_user_id: null,
        context_id: null,
      }),
  },
  {
    name: "audit.insertQueued",
    build: () =>
      auditWrites.insertQueued(db, {
        tenant_id: "acme",
        id: "a1",
        at: t,
        actor_user_id: "u1",
        action: "export",
        route: "/x",
        subject_user_id: null,
        context_id: null,
      }),
  },
  { name: "retention.requestSamples", build: () => retentionDeletes.requestSamples(db, t) },
  { name: "retention.querySamples", build: () => retentionDeletes.querySamples(db, t) },
  { name: "retention.requestRollups", build: () => retentionDeletes.requestRollups(db, m) },
  { name: "retention.queryRollups", build: () => retentionDeletes.queryRollups(db, m) },
  {
    name: "retention.dropped",
    build: () => retentionDeletes.dropped(db, m),
    allowScan: { metrics_dropped: "one row per service and minute received, pruned on the same schedule" },
  },
  { name: "retention.events", build: () => retentionDeletes.events(db, t) },
  { name: "retention.audit", build: () => retentionDeletes.audit(db, t) },
];
