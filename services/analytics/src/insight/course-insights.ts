import { type AnalyticsTenant, analyticsDbFor } from "../db/access";
import { type CourseWindow, insightReads } from "../db/queries";
import { type KindOutcome, outcomesByKind, suppressKind } from "./by-kind";

/**
 * What an instructor sees about one course. With `minGroupSize` > 0 (the tenant's setting),
 * no figure that rests on fewer learners than that is shown, and learners are counted, never
 * listed, so no single learner can be picked out.
 */
export interface CourseInsights {
  contextId: string;
  from: string;
  to: string;
  minGroupSize: number;
  hotSpots: { elementId: string; events: number; learners: number; strugglingEvents: number; avgScore: number }[];
  /** Elements left out because fewer than minGroupSize learners struggled there. */
  suppressedHotSpots: number;
  learners: {
    rosterSize: number;
    active: number;
    inactive: number;
    /** Listed only when suppression is off. */
    activeLearners?: { userId: string; name: string | null; lastSeen: string }[];
    inactiveLearners?: { userId: string; name: string | null }[];
  };
  interventions: {
    delivered: { kind: string; count: number | null; learners: number | null }[];
    outcomes: { action: string; count: number | null; learners: number | null }[];
    /** Per kind: delivered, accepted, dismissed, rated helpful and not helpful. */
    byKind: KindOutcome[];
  };
  chatVolume: { day: string; messages: number | null; learners: number | null }[];
}

/**
 * Everything about the course in the window, before any small-group suppression: the shape a
 * snapshot keeps, so one snapshot serves every tenant setting (`withMinGroup` applies it).
 */
export async function courseInsights(
  env: Env,
  window: CourseWindow & Pick<AnalyticsTenant, "d1Binding">,
): Promise<CourseInsights> {
  const { db } = analyticsDbFor(env, window);
  const [hotSpots, activeUsers, roster, delivered, outcomes, responses, chat] = await Promise.all([
    insightReads.hotSpots(db, window).execute(),
    insightReads.activeUsers(db, window).execute(),
    insightReads.roster(db, window).execute(),
    insightReads.interventionsDelivered(db, window).execute(),
    insightReads.interventionOutcomes(db, window).execute(),
    insightReads.responsesByKind(db, window).execute(),
    insightReads.chatByDay(db, window).execute(),
  ]);
  // The roster is who should be active; without a roster, learners seen in events stand in.
  const learnersOnRoster = roster.filter((r) => r.is_learner === 1);
  const lastSeen = new Map(activeUsers.map((u) => [u.user_id, u.last_seen]));
  const names = new Map(roster.map((r) => [r.user_id, r.name]));
  const staff = new Set(roster.filter((r) => r.is_learner !== 1).map((r) => r.user_id));
  const activeIds = [...lastSeen.keys()].filter((id) => !staff.has(id));
  const inactive = learnersOnRoster.filter((r) => !lastSeen.has(r.user_id));

  return {
    contextId: window.contextId,
    from: window.from,
    to: window.to,
    minGroupSize: 0,
    hotSpots: hotSpots.map((h) => ({
      elementId: h.element_id ?? "",
      events: Number(h.events),
      learners: Number(h.learners),
      strugglingEvents: Number(h.struggling),
      avgScore: Math.round(Number(h.avg_score) * 1000) / 1000,
    })),
    suppressedHotSpots: 0,
    learners: {
      rosterSize: learnersOnRoster.length,
      active: activeIds.length,
      inactive: inactive.length,
      activeLearners: activeIds
        .map((userId) => ({ userId, name: names.get(userId) ?? null, lastSeen: lastSeen.get(userId) ?? "" }))
        .sort((a, b) => b.lastSeen.localeCompare(a.lastSeen)),
      inactiveLearners: inactive.map((r) => ({ userId: r.user_id, name: r.name })),
    },
    interventions: {
      delivered: delivered.map((d) => ({
        kind: d.kind ?? "unknown",
        count: Number(d.delivered),
        learners: Number(d.learners),
      })),
      outcomes: outcomes.map((o) => ({
        action: o.action ?? "unknown",
        count: Number(o.responses),
        learners: Number(o.learners),
      })),
      byKind: outcomesByKind(delivered, responses),
    },
    chatVolume: chat.map((c) => ({ day: c.day, messages: Number(c.messages), learners: Number(c.learners) })),
  };
}

/**
 * The tenant's view of the full insight: with `minGroupSize` > 0 no figure resting on fewer
 * learners than that is shown, and learners are counted, never listed.
 */
export function withMinGroup(full: CourseInsights, minGroupSize: number): CourseInsights {
  if (minGroupSize === 0) return full;
  const suppress = (learners: number | null) => learners === null || learners < minGroupSize;
  const figure = <T extends { count: number | null; learners: number | null }>(f: T): T =>
    suppress(f.learners) ? { ...f, count: null, learners: null } : f;
  const hotSpots = full.hotSpots.filter((h) => !suppress(h.learners));
  return {
    ...full,
    minGroupSize,
    hotSpots,
    suppressedHotSpots: full.suppressedHotSpots + full.hotSpots.length - hotSpots.length,
    learners: { rosterSize: full.learners.rosterSize, active: full.learners.active, inactive: full.learners.inactive },
    interventions: {
      delivered: full.interventions.delivered.map(figure),
      outcomes: full.interventions.outcomes.map(figure),
      byKind: full.interventions.byKind.map((k) => suppressKind(k, minGroupSize)),
    },
    chatVolume: full.chatVolume.map((c) => (suppress(c.learners) ? { day: c.day, messages: null, learners: null } : c)),
  };
}
