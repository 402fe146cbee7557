import { analyticsDb } from "../db/access";
import { type CourseWindow, insightReads } from "../db/queries";

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
  };
  chatVolume: { day: string; messages: number | null; learners: number | null }[];
}

export async function courseInsights(env: Env, window: CourseWindow, minGroupSize: number): Promise<CourseInsights> {
  const { db } = analyticsDb(env);
  const [hotSpots, activeUsers, roster, delivered, outcomes, chat] = await Promise.all([
    insightReads.hotSpots(db, window).execute(),
    insightReads.activeUsers(db, window).execute(),
    insightReads.roster(db, window).execute(),
    insightReads.interventionsDelivered(db, window).execute(),
    insightReads.interventionOutcomes(db, window).execute(),
    insightReads.chatByDay(db, window).execute(),
  ]);
  const suppress = (learners: number) => minGroupSize > 0 && learners < minGroupSize;
  /** A count and its learner count, both withheld when the group is too small. */
  const figure = (count: number, learnerCount: number) =>
    suppress(learnerCount) ? { count: null, learners: null } : { count, learners: learnerCount };

  const visibleHotSpots = hotSpots.filter((h) => !suppress(Number(h.learners)));

  // The roster is who should be active; without a roster, learners seen in events stand in.
  const learnersOnRoster = roster.filter((r) => r.is_learner === 1);
  const lastSeen = new Map(activeUsers.map((u) => [u.user_id, u.last_seen]));
  const names = new Map(roster.map((r) => [r.user_id, r.name]));
  const staff = new Set(roster.filter((r) => r.is_learner !== 1).map((r) => r.user_id));
  const activeIds = [...lastSeen.keys()].filter((id) => !staff.has(id));
  const inactive = learnersOnRoster.filter((r) => !lastSeen.has(r.user_id));

  const learners: CourseInsights["learners"] = {
    rosterSize: learnersOnRoster.length,
    active: activeIds.length,
    inactive: inactive.length,
  };
  if (minGroupSize === 0) {
    learners.activeLearners = activeIds
      .map((userId) => ({ userId, name: names.get(userId) ?? null, lastSeen: lastSeen.get(userId) ?? "" }))
      .sort((a, b) => b.lastSeen.localeCompare(a.lastSeen));
    learners.inactiveLearners = inactive.map((r) => ({ userId: r.user_id, name: r.name }));
  }

  return {
    contextId: window.contextId,
    from: window.from,
    to: window.to,
    minGroupSize,
    hotSpots: visibleHotSpots.map((h) => ({
      elementId: h.element_id ?? "",
      events: Number(h.events),
      learners: Number(h.learners),
      strugglingEvents: Number(h.struggling),
      avgScore: Math.round(Number(h.avg_score) * 1000) / 1000,
    })),
    suppressedHotSpots: hotSpots.length - visibleHotSpots.length,
    learners,
    interventions: {
      delivered: delivered.map((d) => ({
        kind: d.kind ?? "unknown",
        ...figure(Number(d.delivered), Number(d.learners)),
      })),
      outcomes: outcomes.map((o) => ({
        action: o.action ?? "unknown",
        ...figure(Number(o.responses), Number(o.learners)),
      })),
    },
    chatVolume: chat.map((c) => {
      const f = figure(Number(c.messages), Number(c.learners));
      return { day: c.day, messages: f.count, learners: f.learners };
    }),
  };
}
