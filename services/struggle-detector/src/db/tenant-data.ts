import { queryName } from "@atomic-guide/shared/metrics/query-name";
import { deletedRows } from "@atomic-guide/shared/tenant-erasure";
import { type Kysely, sql } from "kysely";
import type { StruggleDb } from "./schema";

/** The tables keyed by learner; a learner's erasure empties each of them for the learner. */
export const LEARNER_TABLES = [
  "learning_sessions",
  "struggle_events",
  "interventions",
  "learner_profiles",
] as const satisfies readonly (keyof StruggleDb)[];

/** Every table that holds a tenant's rows (the learners' and the per-course ones); offboarding empties each. */
export const TENANT_TABLES = [...LEARNER_TABLES, "guide_settings_audit", "course_kind_outcomes"] as const;

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

/** A page of learners' rows in every learner table; returns the rows removed. */
export async function deleteLearnersRows(db: Kysely<StruggleDb>, tenantId: string, userIds: string[]): Promise<number> {
  if (userIds.length === 0) return 0; // `IN ()` is not SQL
  let rows = 0;
  for (const table of LEARNER_TABLES) {
    rows += deletedRows(await tenantDataQueries.deleteLearnersRows(db, table, tenantId, userIds).executeTakeFirst());
  }
  return rows;
}
