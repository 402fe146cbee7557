import { queryName } from "@atomic-guide/shared/metrics/query-name";
import { type Kysely, sql } from "kysely";
import type { StruggleDb } from "./schema";

/** Every table that holds a tenant's rows; offboarding empties each of them for the tenant. */
export const TENANT_TABLES = [
  "learning_sessions",
  "struggle_events",
  "interventions",
  "learner_profiles",
  "guide_settings_audit",
  "course_kind_outcomes",
] as const satisfies readonly (keyof StruggleDb)[];

/**
 * Whole-tenant reads and deletes for offboarding and the retention sweep, in bounded pages so
 * one call stays far inside a Worker's subrequest and CPU limits; callers repeat until done.
 */
export const tenantDataQueries = {
  /** A page of the tenant's learners: anyone with a session or a profile row. */
  learnersPage: (db: Kysely<StruggleDb>, tenantId: string, limit: number) =>
    db
      .selectFrom("learning_sessions")
      .select("user_id")
      .where("tenant_id", "=", tenantId)
      .union(db.selectFrom("learner_profiles").select("user_id").where("tenant_id", "=", tenantId))
      .limit(limit)
      .modifyEnd(queryName("tenant.learnersPage")),
  /** Learners whose latest session activity is older than the cutoff: the retention sweep's work. */
  idleLearners: (db: Kysely<StruggleDb>, tenantId: string, cutoffIso: string, limit: number) =>
    db
      .selectFrom("learning_sessions")
      .select("user_id")
      .where("tenant_id", "=", tenantId)
      .groupBy("user_id")
      .having(sql<string>`MAX(COALESCE(last_signal_at, started_at))`, "<", cutoffIso)
      .limit(limit)
      .modifyEnd(queryName("retention.idleLearners")),
  deleteLearnersRows: (
    db: Kysely<StruggleDb>,
    table: (typeof TENANT_TABLES)[number],
    tenantId: string,
    userIds: string[],
  ) =>
    db
      .deleteFrom(table as "learning_sessions")
      .where("tenant_id", "=", tenantId)
      .where("user_id", "in", userIds)
      .modifyEnd(queryName(`tenant.deleteLearners.${table}`)),
  deleteTenantRows: (db: Kysely<StruggleDb>, table: (typeof TENANT_TABLES)[number], tenantId: string) =>
    db
      .deleteFrom(table)
      .where("tenant_id", "=", tenantId)
      .modifyEnd(queryName(`tenant.delete.${table}`)),
};

/** The tables keyed by learner (the others are per course). */
export const LEARNER_TABLES = ["learning_sessions", "struggle_events", "interventions", "learner_profiles"] as const;
