import type { DetectorConfig } from "./thresholds";

/**
 * Per-skill mastery by Bayesian Knowledge Tracing (Corbett & Anderson, 1995): the probability
 * that the learner knows the skill, updated on each effortful attempt from the chance of a lucky
 * guess (pGuess) and of a slip (pSlip), then the chance of learning from the attempt (pLearn).
 * Defaults are the common textbook values; docs/struggle-detection.md lists them.
 */
export interface SkillState {
  /** P(known) after the last attempt. */
  pKnown: number;
  attempts: number;
  /** Attempts since the last correct one (wheel-spinning on the skill). */
  sinceCorrect: number;
  atMs: number;
}

/** Skills kept per learner; the least recently practised is forgotten first. */
export const MAX_SKILLS = 24;

export function updateMastery(prior: number, correct: boolean, c: DetectorConfig["bkt"]): number {
  const { pGuess: g, pSlip: s, pLearn: t } = c;
  const posterior = correct
    ? (prior * (1 - s)) / (prior * (1 - s) + (1 - prior) * g)
    : (prior * s) / (prior * s + (1 - prior) * (1 - g));
  return posterior + (1 - posterior) * t;
}

/** Records an attempt on a skill; returns its updated state. Mutates `skills` (bounded to MAX_SKILLS). */
export function observeSkill(
  skills: Record<string, SkillState>,
  skill: string,
  correct: boolean,
  atMs: number,
  c: DetectorConfig,
): SkillState {
  const prev = skills[skill] ?? { pKnown: c.bkt.pInit, attempts: 0, sinceCorrect: 0, atMs };
  const next: SkillState = {
    pKnown: updateMastery(prev.pKnown, correct, c.bkt),
    attempts: prev.attempts + 1,
    sinceCorrect: correct ? 0 : prev.sinceCorrect + 1,
    atMs,
  };
  skills[skill] = next;
  const names = Object.keys(skills);
  if (names.length > MAX_SKILLS) {
    const oldest = names.reduce((a, b) => ((skills[a]?.atMs ?? 0) <= (skills[b]?.atMs ?? 0) ? a : b));
    delete skills[oldest];
  }
  return next;
}
