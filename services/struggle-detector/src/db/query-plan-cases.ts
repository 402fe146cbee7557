import { type NamedQuery, planCompiler } from "@atomic-guide/shared/metrics/query-plan";
import { APPLIED_INSERT_SQL, APPLIED_PRUNE_SQL, type OutboxStatement } from "@atomic-guide/shared/resilience/outbox";
import { CompiledQuery } from "kysely";
import type { InterventionRow, SessionRow, StruggleEventRow } from "../do/local-store";
import { countRating, courseOutcomesQuery } from "../interventions/course-outcomes";
import { insertSettingsChangeQuery } from "../settings/audit";
import type { StruggleDb } from "./schema";
import * as statements from "./statements";
import { LEARNER_TABLES, TENANT_TABLES, tenantDataQueries } from "./tenant-data";

/**
 * The service's D1 queries live beside the code that owns their tables (statements.ts for the Durable
 * Object's outbox writes; the learner's history pages are answered by the object itself), each named by a `/* name *\/`
 * comment. `namedQueries` lists every one with representative arguments for the query-plan gate
 * (query-plan-cases.test.ts), which fails when one scans a table it should search.
 */
const db = planCompiler<StruggleDb>();
const who = { tenantId: "acme", userId: "u1", contextId: "course-1" };
const t = "2026-01-01T00:00:00.000Z";
const _after = { t, id: "s1" };

/** Outbox statements are plain `{sql, params}`; the gate plans them as compiled queries. */
const planned = (s: OutboxStatement) => CompiledQuery.raw(s.sql, [...(s.params ?? s.parameters ?? [])]);

const session: SessionRow = {
  session_id: "s1",
  launch_id: "l1",
  context_id: "course-1",
  started_at: t,
  last_signal_at: t,
  signal_count: 1,
  struggle_count: 0,
  intervention_count: 0,
  peak_score: 0,
  last_activity_ms: 0,
  dirty: 1,
};
const event: StruggleEventRow = {
  event_id: "e1",
  session_id: "s1",
  element_id: "q1",
  level: "struggling",
  score: 0.9,
  drivers: "[]",
  detected_at: t,
};
const intervention: InterventionRow = {
  intervention_id: "i1",
  session_id: "s1",
  kind: "hint",
  element_id: "q1",
  message: "m",
  suggestion: null,
  provider: null,
  drivers: "[]",
  delivered_via: "websocket",
  created_at: t,
  outcome: null,
  responded_at: null,
};
const erase = statements.eraseLearner(db, who);
const eraseOf = (name: string) => () => {
  const s = erase.find((e) => e.sql.includes(`/* ${name} */`));
  if (!s) throw new Error(`no erase statement named ${name}`);
  return planned(s);
};

export const namedQueries: NamedQuery[] = [
  { name: "sessions.upsert", build: () => planned(statements.upsertSession(db, who, session)) },
  { name: "struggleEvents.insert", build: () => planned(statements.insertStruggleEvent(db, who, event)) },
  { name: "interventions.insert", build: () => planned(statements.insertIntervention(db, who, intervention)) },
  {
    name: "interventions.setOutcome",
    build: () => planned(statements.setOutcome(db, who, "i1", "accepted", t)),
  },
  { name: "profiles.upsert", build: () => planned(statements.upsertProfile(db, who, { level: "ok" }, t)) },
  { name: "learner.eraseSessions", build: eraseOf("learner.eraseSessions") },
  { name: "learner.eraseStruggleEvents", build: eraseOf("learner.eraseStruggleEvents") },
  { name: "learner.eraseInterventions", build: eraseOf("learner.eraseInterventions") },
  { name: "learner.eraseProfile", build: eraseOf("learner.eraseProfile") },
  { name: "courseOutcomes.count", build: () => planned(countRating(db, "acme", "course-1", "idle", "hint", true)) },
  { name: "courseOutcomes.read", build: () => courseOutcomesQuery(db, "acme", "course-1") },
  {
    name: "guideSettings.audit",
    build: () =>
      insertSettingsChangeQuery(db, "acme", {
        contextId: "course-1",
        changedBy: "t1",
        changedAt: t,
        before: undefined,
        after: { sensitivity: "low", cooldownMinutes: 5, dailyCap: 3, allowedInterventions: ["hint"] },
      }),
  },
  { name: "tenant.learnersPage", build: () => tenantDataQueries.learnersPage(db, "acme", 50) },
  { name: "retention.idleLearners", build: () => tenantDataQueries.idleLearners(db, "acme", t, 50) },
  ...LEARNER_TABLES.map((table) => ({
    name: `tenant.deleteLearners.${table}`,
    build: () => tenantDataQueries.deleteLearnersRows(db, table, "acme", ["u1", "u2"]),
  })),
  ...TENANT_TABLES.map((table) => ({
    name: `tenant.delete.${table}`,
    build: () => tenantDataQueries.deleteTenantRows(db, table, "acme"),
  })),
  { name: "outbox.applied_insert", build: () => CompiledQuery.raw(APPLIED_INSERT_SQL, ["acme", "k1", 0]) },
  { name: "outbox.applied_prune", build: () => CompiledQuery.raw(APPLIED_PRUNE_SQL, [0]) },
];
