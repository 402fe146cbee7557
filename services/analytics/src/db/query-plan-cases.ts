import type { NamedQuery } from "@atomic-guide/shared/metrics/query-plan";
import { compileOnly } from "./access";
import { auditWrites } from "./audit-queries";
import { metricsReads, metricsWrites } from "./metrics-queries";
import { type CourseWindow, eventWrites, insightReads, learnerQueries } from "./queries";
import { retentionDeletes } from "./retention-queries";

// The query-plan gate's list (query-plan-cases.test.ts): every named analytics query with
// representative arguments. The gate fails when one scans a table it should search.

const t = "2026-01-01T00:00:00.000Z";
const m = "2026-01-01T00:00";
const w: CourseWindow = { tenantId: "acme", contextId: "course-1", from: t, to: t };
const db = compileOnly;
const auditRow = {
  tenant_id: "acme",
  id: "a1",
  at: t,
  actor_user_id: "u1",
  action: "export",
  route: "/x",
  subject_user_id: null,
  context_id: null,
};

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
  { name: "metrics.routeRollups", build: () => metricsReads.routeRollups(db, "service", "chat", m, m) },
  { name: "metrics.queryRollups", build: () => metricsReads.queryRollups(db, "chat", m, m) },
  { name: "metrics.dropped", build: () => metricsReads.dropped(db, "chat", m, m) },
  { name: "overview.tenantRollups", build: () => metricsReads.routeRollups(db, "tenant_id", "acme", m, m) },
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
  { name: "learner.eraseEvents", build: () => learnerQueries.erase(db, "learning_events", "acme", "u1") },
  { name: "learner.eraseRoster", build: () => learnerQueries.erase(db, "course_roster", "acme", "u1") },
  {
    name: "audit.insert",
    build: () => auditWrites.insert(db, auditRow),
  },
  {
    name: "audit.insertQueued",
    build: () => auditWrites.insertQueued(db, auditRow),
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
