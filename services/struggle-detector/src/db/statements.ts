import { queryName } from "@atomic-guide/shared/metrics/query-name";
import { type OutboxStatement, outboxStatement } from "@atomic-guide/shared/resilience/outbox";
import type { Kysely } from "kysely";
import type { InterventionRow, SessionRow, StruggleEventRow } from "../do/local-store";
import type { StruggleDb } from "./schema";

/** One statement for the outbox. Every one is idempotent, because the outbox may replay it. */
export type Statement = OutboxStatement;

export interface Learner {
  tenantId: string;
  userId: string;
  contextId?: string | undefined;
}

const toStatement = outboxStatement;

/** Absolute values, not increments: replaying an older copy after a newer one is harmless enough and never double-counts. */
export function upsertSession(db: Kysely<StruggleDb>, who: Learner, s: SessionRow): Statement {
  const row = {
    tenant_id: who.tenantId,
    user_id: who.userId,
    session_id: s.session_id,
    context_id: s.context_id,
    launch_id: s.launch_id,
    started_at: s.started_at,
    last_signal_at: s.last_signal_at,
    signal_count: s.signal_count,
    struggle_count: s.struggle_count,
    intervention_count: s.intervention_count,
    peak_score: s.peak_score,
  };
  return toStatement(
    db
      .insertInto("learning_sessions")
      .values(row)
      .onConflict((oc) =>
        oc.columns(["tenant_id", "user_id", "session_id"]).doUpdateSet({
          last_signal_at: row.last_signal_at,
          signal_count: row.signal_count,
          struggle_count: row.struggle_count,
          intervention_count: row.intervention_count,
          peak_score: row.peak_score,
        }),
      )
      .modifyEnd(queryName("sessions.upsert"))
      .compile(),
  );
}

export function insertStruggleEvent(db: Kysely<StruggleDb>, who: Learner, e: StruggleEventRow): Statement {
  return toStatement(
    db
      .insertInto("struggle_events")
      .values({ tenant_id: who.tenantId, user_id: who.userId, context_id: who.contextId ?? null, ...e })
      .onConflict((oc) => oc.columns(["tenant_id", "event_id"]).doNothing())
      .modifyEnd(queryName("struggleEvents.insert"))
      .compile(),
  );
}

export function insertIntervention(db: Kysely<StruggleDb>, who: Learner, i: InterventionRow): Statement {
  return toStatement(
    db
      .insertInto("interventions")
      .values({
        tenant_id: who.tenantId,
        user_id: who.userId,
        context_id: who.contextId ?? null,
        intervention_id: i.intervention_id,
        session_id: i.session_id,
        kind: i.kind,
        element_id: i.element_id,
        message: i.message,
        drivers: i.drivers,
        delivered_via: i.delivered_via,
        created_at: i.created_at,
        outcome: i.outcome,
        responded_at: i.responded_at,
      })
      .onConflict((oc) => oc.columns(["tenant_id", "intervention_id"]).doNothing())
      .modifyEnd(queryName("interventions.insert"))
      .compile(),
  );
}

export function setOutcome(db: Kysely<StruggleDb>, who: Learner, id: string, outcome: string, at: string): Statement {
  return toStatement(
    db
      .updateTable("interventions")
      .set({ outcome, responded_at: at })
      .where("tenant_id", "=", who.tenantId)
      .where("user_id", "=", who.userId)
      .where("intervention_id", "=", id)
      .modifyEnd(queryName("interventions.setOutcome"))
      .compile(),
  );
}

export function upsertProfile(db: Kysely<StruggleDb>, who: Learner, profile: unknown, at: string): Statement {
  const json = JSON.stringify(profile);
  return toStatement(
    db
      .insertInto("learner_profiles")
      .values({ tenant_id: who.tenantId, user_id: who.userId, profile: json, updated_at: at })
      .onConflict((oc) => oc.columns(["tenant_id", "user_id"]).doUpdateSet({ profile: json, updated_at: at }))
      .modifyEnd(queryName("profiles.upsert"))
      .compile(),
  );
}

/** Learner tables. The settings audit (instructors' changes) and the per-course rating counts hold no learner data. */
type LearnerTable = Exclude<keyof StruggleDb, "guide_settings_audit" | "course_kind_outcomes">;
const ERASED_TABLES = {
  learning_sessions: "learner.eraseSessions",
  struggle_events: "learner.eraseStruggleEvents",
  interventions: "learner.eraseInterventions",
  learner_profiles: "learner.eraseProfile",
} as const satisfies Record<LearnerTable, string>;

/** Erasure: every row of the learner in every table. */
export function eraseLearner(db: Kysely<StruggleDb>, who: Learner): Statement[] {
  return (Object.keys(ERASED_TABLES) as LearnerTable[]).map((t) =>
    toStatement(
      db
        .deleteFrom(t)
        .where("tenant_id", "=", who.tenantId)
        .where("user_id", "=", who.userId)
        .modifyEnd(queryName(ERASED_TABLES[t]))
        .compile(),
    ),
  );
}
