import type { TenantDb } from "@atomic-guide/shared";
import { INTERVENTION_KINDS, type InterventionKind } from "@atomic-guide/shared/interventions";
import { queryName } from "@atomic-guide/shared/metrics/query-name";
import { outboxStatement } from "@atomic-guide/shared/resilience/outbox";
import type { Kysely } from "kysely";
import type { StruggleDb } from "../db/schema";
import type { Statement } from "../db/statements";
import { DRIVERS, type Driver } from "../detection/detector";
import type { CourseOutcomes } from "./bandit";

/** One rating counted for the course (through the outbox, whose idempotency keys keep a replay from counting twice). */
export function countRating(
  db: Kysely<StruggleDb>,
  tenantId: string,
  contextId: string,
  driver: string,
  kind: string,
  helpful: boolean,
): Statement {
  return outboxStatement(
    db
      .insertInto("course_kind_outcomes")
      .values({
        tenant_id: tenantId,
        context_id: contextId,
        driver,
        kind,
        helpful: helpful ? 1 : 0,
        not_helpful: helpful ? 0 : 1,
      })
      .onConflict((oc) =>
        oc.columns(["tenant_id", "context_id", "driver", "kind"]).doUpdateSet((eb) => ({
          helpful: eb("course_kind_outcomes.helpful", "+", helpful ? 1 : 0),
          not_helpful: eb("course_kind_outcomes.not_helpful", "+", helpful ? 0 : 1),
        })),
      )
      .modifyEnd(queryName("courseOutcomes.count"))
      .compile(),
  );
}

export function courseOutcomesQuery(db: Kysely<StruggleDb>, tenantId: string, contextId: string) {
  return db
    .selectFrom("course_kind_outcomes")
    .select(["driver", "kind", "helpful", "not_helpful"])
    .where("tenant_id", "=", tenantId)
    .where("context_id", "=", contextId)
    .modifyEnd(queryName("courseOutcomes.read"));
}

const isDriver = (d: string): d is Driver => (DRIVERS as readonly string[]).includes(d);
const isKind = (k: string): k is InterventionKind => (INTERVENTION_KINDS as readonly string[]).includes(k);

export async function readCourseOutcomes(tdb: TenantDb<StruggleDb>, contextId: string): Promise<CourseOutcomes> {
  const rows = await courseOutcomesQuery(tdb.db, tdb.tenantId, contextId).execute();
  const out: CourseOutcomes = {};
  for (const r of rows) {
    if (!isDriver(r.driver) || !isKind(r.kind)) continue;
    out[r.driver] = { ...out[r.driver], [r.kind]: { helpful: r.helpful, notHelpful: r.not_helpful } };
  }
  return out;
}
