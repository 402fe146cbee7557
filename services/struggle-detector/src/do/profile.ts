import type { LearnerProfile } from "@atomic-guide/shared";
import type { DetectorState } from "../detection/detector";
import { medianPace } from "../detection/detector";

/** Running figures the detector keeps about one learner. */
export interface ProfileCounters {
  sessions: number;
  signals: number;
  struggleEvents: number;
  interventions: number;
  outcomes: { accepted: number; dismissed: number; helpful: number; not_helpful: number };
  /** Elements the learner recently struggled on, most recent first. */
  strugglingElements: string[];
  updatedAt: string;
}

export const MAX_STRUGGLING_ELEMENTS = 10;

export const emptyCounters = (at: string): ProfileCounters => ({
  sessions: 0,
  signals: 0,
  struggleEvents: 0,
  interventions: 0,
  outcomes: { accepted: 0, dismissed: 0, helpful: 0, not_helpful: 0 },
  strugglingElements: [],
  updatedAt: at,
});

export function noteStruggleElement(c: ProfileCounters, elementId: string | undefined): void {
  if (!elementId) return;
  c.strugglingElements = [elementId, ...c.strugglingElements.filter((e) => e !== elementId)].slice(
    0,
    MAX_STRUGGLING_ELEMENTS,
  );
}

/** The learner-facing profile: counters plus what the detector currently believes. */
export function publicProfile(c: ProfileCounters, state: DetectorState) {
  const answered = c.outcomes.helpful + c.outcomes.not_helpful;
  return {
    ...c,
    struggle: { score: round(state.score), level: state.level },
    medianReadingPace: medianPace(state) ?? null,
    skills: skillMastery(state),
    helpfulRate: answered === 0 ? null : round(c.outcomes.helpful / answered),
  };
}
export type PublicProfile = ReturnType<typeof publicProfile>;

export const round = (x: number) => Math.round(x * 1000) / 1000;

/** Per-skill mastery (BKT), weakest first. */
export function skillMastery(state: DetectorState) {
  return Object.entries(state.skills)
    .map(([skill, s]) => ({ skill, mastery: round(s.pKnown), attempts: s.attempts }))
    .sort((a, b) => a.mastery - b.mastery);
}

/** Skills practised enough to judge and still below the weak-mastery line, for chat to explain from. */
const WEAK_SKILL = 0.4;
const weakSkills = (state: DetectorState) =>
  skillMastery(state)
    .filter((s) => s.attempts >= 2 && s.mastery < WEAK_SKILL)
    .map((s) => s.skill);

/** What chat sees of the learner. */
export function chatProfile(c: ProfileCounters, state: DetectorState, at: string): LearnerProfile {
  return {
    updatedAt: at,
    struggleLevel: state.level,
    struggleScore: round(state.score),
    strugglingTopics: [...new Set([...c.strugglingElements, ...weakSkills(state)])].slice(0, 20),
  };
}

/**
 * Chat shapes explanations from the profile; it needs to hear about a new level or a new
 * trouble spot, not every wobble of the score, so a push costs one RPC per real change.
 */
export function changedMeaningfully(prev: LearnerProfile | undefined, next: LearnerProfile): boolean {
  // Chat treats a learner it has no profile for like a calm one with no trouble spots (it adds no
  // guidance either way), so a new learner's first launch does not wait on an RPC that changes nothing.
  if (!prev) return !isNeutral(next);
  if (prev.struggleLevel !== next.struggleLevel) return true;
  if ((prev.strugglingTopics ?? []).join("\n") !== (next.strugglingTopics ?? []).join("\n")) return true;
  return Math.abs((prev.struggleScore ?? 0) - (next.struggleScore ?? 0)) >= 0.25;
}

/** A profile that changes nothing in chat's answers: no struggle, no trouble spots, a low score. */
function isNeutral(profile: LearnerProfile): boolean {
  return (
    (profile.struggleLevel ?? "none") === "none" &&
    (profile.strugglingTopics ?? []).length === 0 &&
    (profile.struggleScore ?? 0) < 0.25 &&
    profile.preferredStyle === undefined &&
    profile.readingLevel === undefined
  );
}
