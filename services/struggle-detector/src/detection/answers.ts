import type { DetectorState, Fire, TimedSignal } from "./detector";
import { relieve } from "./detector";
import { observeSkill } from "./mastery";
import { expectedReadingMs, wordsOf } from "./reading";
import type { DetectorConfig } from "./thresholds";
import { fullWithin, pushTime } from "./time-ring";

export function answerChange(state: DetectorState, s: TimedSignal, c: DetectorConfig, fire: Fire): void {
  const el = s.elementId ?? null;
  state.answer =
    state.answer.elementId === el ? { elementId: el, count: state.answer.count + 1 } : { elementId: el, count: 1 };
  if (state.answer.count >= c.answerChanges) {
    fire("answerChanges", el);
    // Another full run of changes is needed before it counts again.
    state.answer.count = 0;
  }
}

/**
 * Response-time effort (Wise & Kong, 2005): an answer given in a fraction of the time it takes to
 * read the item was not an attempt to solve it, whether or not it happened to be right.
 */
export function isRapid(state: DetectorState, s: TimedSignal, c: DetectorConfig): boolean {
  if (s.durationMs === undefined) return false;
  const words = s.wordCount ?? wordsOf(state.words, s.elementId);
  return s.durationMs < c.rapidRatio * expectedReadingMs(words, "quiz", c);
}

export function quizAttempt(state: DetectorState, s: TimedSignal, c: DetectorConfig, fire: Fire): void {
  const el = s.elementId ?? null;
  const rapid = isRapid(state, s, c);
  if (rapid) {
    pushTime(state.rapidTimes, s.atMs, c.rapidGuesses);
    if (fullWithin(state.rapidTimes, s.atMs, c.rapidGuesses, c.rapidWindowMs)) fire("rapidGuessing", el);
  }
  if (s.correct === undefined) return;

  if (state.item.elementId !== el) state.item = { elementId: el, attempts: 0 };
  // A guess says nothing about what the learner knows, so it does not move mastery.
  const skill = s.skill && !rapid ? observeSkill(state.skills, s.skill, s.correct, s.atMs, c) : undefined;

  if (s.correct) {
    state.item.attempts = 0;
    state.answer = { elementId: null, count: 0 };
    if (!rapid) {
      state.wrongTimes.shift();
      relieve(state);
    }
    return;
  }
  state.item.attempts += 1;
  pushTime(state.wrongTimes, s.atMs, c.wrongAnswers);
  if (fullWithin(state.wrongTimes, s.atMs, c.wrongAnswers, c.wrongWindowMs)) fire("wrongAnswers", el);
  if (state.item.attempts >= c.wheelAttempts || (skill && skill.sinceCorrect >= c.wheelAttempts)) {
    fire("wheelSpinning", el);
  }
  if (skill && skill.attempts >= c.masteryMinAttempts && skill.pKnown < c.lowMastery) fire("lowMastery", el);
}
