import type { AuthContext, LearnerAnalyticsExport, LearningEvent, RosterSync } from "@atomic-guide/shared";
import { analyticsDbFor } from "../db/access";
import { eventWrites, learnerQueries } from "../db/queries";
import type { AnalyticsDatabase } from "../db/schema";

type EventRow = AnalyticsDatabase["learning_events"];

function eventRow(e: LearningEvent): EventRow {
  const row: EventRow = {
    tenant_id: e.tenantId,
    event_id: e.eventId,
    type: e.type,
    user_id: e.userId,
    context_id: e.contextId ?? null,
    at: e.at,
    session_id: null,
    element_id: null,
    intervention_id: null,
    kind: null,
    level: null,
    score: null,
    action: null,
    conversation_id: null,
    provider: null,
    tokens: null,
    learner_name: null,
  };
  switch (e.type) {
    case "session_started":
      return { ...row, session_id: e.sessionId };
    case "struggle_detected":
      return { ...row, session_id: e.sessionId, element_id: e.elementId ?? null, score: e.score, level: e.level };
    case "intervention_delivered":
      return { ...row, intervention_id: e.interventionId, kind: e.kind, element_id: e.elementId ?? null };
    case "intervention_responded":
      return { ...row, intervention_id: e.interventionId, action: e.action };
    case "help_requested":
      return {
        ...row,
        intervention_id: e.interventionId,
        element_id: e.elementId ?? null,
        learner_name: e.learnerName ?? null,
      };
    case "chat_message":
      return { ...row, conversation_id: e.conversationId, provider: e.provider, tokens: e.tokens };
  }
}

function eventOf(row: EventRow): LearningEvent {
  const base = {
    eventId: row.event_id,
    tenantId: row.tenant_id,
    userId: row.user_id,
    at: row.at,
    ...(row.context_id ? { contextId: row.context_id } : {}),
  };
  const opt = <K extends string>(key: K, value: string | null) =>
    (value ? { [key]: value } : {}) as Partial<Record<K, string>>;
  switch (row.type) {
    case "session_started":
      return { ...base, type: "session_started", sessionId: row.session_id ?? "" };
    case "struggle_detected":
      return {
        ...base,
        type: "struggle_detected",
        sessionId: row.session_id ?? "",
        ...opt("elementId", row.element_id),
        score: row.score ?? 0,
        level: row.level === "struggling" ? "struggling" : "watch",
      };
    case "intervention_delivered":
      return {
        ...base,
        type: "intervention_delivered",
        interventionId: row.intervention_id ?? "",
        kind: row.kind ?? "",
        ...opt("elementId", row.element_id),
      };
    case "intervention_responded":
      return {
        ...base,
        type: "intervention_responded",
        interventionId: row.intervention_id ?? "",
        action:
          (["accepted", "dismissed", "helpful", "not_helpful"] as const).find((a) => a === row.action) ?? "dismissed",
      };
    case "help_requested":
      return {
        ...base,
        type: "help_requested",
        interventionId: row.intervention_id ?? "",
        ...opt("elementId", row.element_id),
        ...opt("learnerName", row.learner_name),
      };
    default:
      return {
        ...base,
        type: "chat_message",
        conversationId: row.conversation_id ?? "",
        provider: row.provider ?? "",
        tokens: row.tokens ?? 0,
      };
  }
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
  await d1.batch([...upserts, prune].map((q) => d1.prepare(q.sql).bind(...q.parameters)));
  return rows.length;
}

export async function exportLearnerData(
  env: Env,
  auth: Pick<AuthContext, "tenantId" | "userId" | "d1Binding">,
): Promise<LearnerAnalyticsExport> {
  const { db } = analyticsDbFor(env, auth);
  const [events, roster] = await Promise.all([
    learnerQueries.events(db, auth.tenantId, auth.userId).execute(),
    learnerQueries.roster(db, auth.tenantId, auth.userId).execute(),
  ]);
  return {
    service: "analytics",
    learningEvents: events.map(eventOf),
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
  const statements = [
    learnerQueries.eraseEvents(db, auth.tenantId, auth.userId).compile(),
    learnerQueries.eraseRoster(db, auth.tenantId, auth.userId).compile(),
  ];
  const results = await d1.batch(statements.map((s) => d1.prepare(s.sql).bind(...s.parameters)));
  return results.reduce((sum, r) => sum + (r.meta.changes ?? 0), 0);
}
