import { emptyMedian, medianOf, observe, type P2State } from "./p2-median";
import type { Signal } from "./signals";
import type { DetectorConfig } from "./thresholds";

export const DRIVERS = [
  "longHover",
  "idle",
  "scrollReversal",
  "answerChanges",
  "wrongAttempts",
  "helpRequest",
  "slowDwell",
] as const;
export type Driver = (typeof DRIVERS)[number];
export type Level = "none" | "watch" | "struggling";

/**
 * Everything the detector remembers between signals: running counters and decayed evidence,
 * never the signal history, so each signal costs O(1) whatever the session's length.
 * Plain JSON so the Durable Object stores it as one row.
 */
export interface DetectorState {
  /** Latest signal time processed (ms); later signals are measured from it. */
  lastAt: number | null;
  lastType: Signal["type"] | null;
  /** Evidence per driver, decayed to `evidenceAt`. */
  evidence: Record<Driver, number>;
  evidenceAt: number;
  /** Element each driver last fired on: where an intervention should point. */
  driverElement: Partial<Record<Driver, string>>;
  level: Level;
  score: number;
  answer: { elementId: string | null; count: number };
  wrong: { elementId: string | null; count: number };
  /** The two elements most recently scrolled to, and the times of recent reversals (bounded ring). */
  scroll: { prev: string | null; cur: string | null; reversals: number[] };
  dwell: P2State;
}

export const initialState = (): DetectorState => ({
  lastAt: null,
  lastType: null,
  evidence: {
    longHover: 0,
    idle: 0,
    scrollReversal: 0,
    answerChanges: 0,
    wrongAttempts: 0,
    helpRequest: 0,
    slowDwell: 0,
  },
  evidenceAt: 0,
  driverElement: {},
  level: "none",
  score: 0,
  answer: { elementId: null, count: 0 },
  wrong: { elementId: null, count: 0 },
  scroll: { prev: null, cur: null, reversals: [] },
  dwell: emptyMedian(),
});

/** Gaps longer than this are a break (lunch, a closed laptop), not a learner stuck on the page. */
export const IDLE_GAP_MAX_MS = 30 * 60_000;

export interface LevelChange {
  from: Level;
  to: Level;
  atMs: number;
  score: number;
  elementId: string | undefined;
  drivers: Driver[];
}

export interface StepResult {
  /** Drivers that fired on this signal. */
  fired: Driver[];
  levelChange?: LevelChange;
}

function decayTo(state: DetectorState, atMs: number, config: DetectorConfig): void {
  // Late (out-of-order) signals add evidence at the current instant rather than rewinding time.
  if (atMs <= state.evidenceAt) return;
  const factor = 2 ** (-(atMs - state.evidenceAt) / config.evidenceHalfLifeMs);
  for (const d of DRIVERS) state.evidence[d] *= factor;
  state.evidenceAt = atMs;
}

export const totalEvidence = (state: DetectorState) => DRIVERS.reduce((sum, d) => sum + state.evidence[d], 0);

/** Evidence maps to 0..1 with diminishing returns: one weak sign never saturates the score. */
export const scoreOf = (evidence: number) => 1 - Math.exp(-evidence);

/** Drivers ordered by how much of the current evidence they hold, strongest first. */
export function topDrivers(state: DetectorState, min = 0.05): Driver[] {
  return DRIVERS.filter((d) => state.evidence[d] >= min).sort((a, b) => state.evidence[b] - state.evidence[a]);
}

export function nextLevel(current: Level, score: number, c: DetectorConfig): Level {
  switch (current) {
    case "none":
      return score >= c.strugglingEnter ? "struggling" : score >= c.watchEnter ? "watch" : "none";
    case "watch":
      return score >= c.strugglingEnter ? "struggling" : score < c.watchExit ? "none" : "watch";
    case "struggling":
      return score >= c.strugglingExit ? "struggling" : score < c.watchExit ? "none" : "watch";
  }
}

/** Feeds one signal (in timestamp order) through every detector. Mutates `state`. */
export function step(state: DetectorState, s: Signal & { atMs: number }, c: DetectorConfig): StepResult {
  const fired: Driver[] = [];
  const fire = (d: Driver, elementId: string | null | undefined, scale = 1) => {
    state.evidence[d] += c.weights[d] * scale;
    if (elementId) state.driverElement[d] = elementId;
    fired.push(d);
  };
  decayTo(state, s.atMs, c);

  // A silence between signals is idleness, unless the client already reported it as an idle signal.
  if (state.lastAt !== null && state.lastType !== "idle" && s.type !== "idle") {
    const gap = s.atMs - state.lastAt;
    if (gap >= c.idleMs && gap <= IDLE_GAP_MAX_MS) fire("idle", s.elementId);
  }

  switch (s.type) {
    case "hover":
      // Hovers are glances, not time spent on an element: they stay out of the dwell median.
      if ((s.durationMs ?? 0) >= c.longHoverMs) fire("longHover", s.elementId);
      break;
    case "focus_change":
      dwell(state, s, c, fire);
      break;
    case "idle":
      if ((s.durationMs ?? 0) >= c.idleMs && (s.durationMs ?? 0) <= IDLE_GAP_MAX_MS) fire("idle", s.elementId);
      break;
    case "scroll":
      scroll(state, s, c, fire);
      break;
    case "answer_change": {
      const el = s.elementId ?? null;
      state.answer =
        state.answer.elementId === el ? { elementId: el, count: state.answer.count + 1 } : { elementId: el, count: 1 };
      if (state.answer.count >= c.answerChanges) {
        fire("answerChanges", el);
        // Another full run of changes is needed before it counts again.
        state.answer.count = 0;
      }
      break;
    }
    case "quiz_attempt":
      if (s.correct === false) {
        const el = s.elementId ?? null;
        state.wrong =
          state.wrong.elementId === el ? { elementId: el, count: state.wrong.count + 1 } : { elementId: el, count: 1 };
        if (state.wrong.count >= c.wrongAttemptsInARow) fire("wrongAttempts", el);
      } else if (s.correct === true) {
        // Getting it right is the strongest counter-evidence there is.
        state.wrong = { elementId: null, count: 0 };
        state.answer = { elementId: null, count: 0 };
        for (const d of DRIVERS) state.evidence[d] *= 0.5;
      }
      break;
    case "help_request":
      fire("helpRequest", s.elementId);
      break;
    case "click":
      break;
  }

  if (state.lastAt === null || s.atMs >= state.lastAt) {
    state.lastAt = s.atMs;
    state.lastType = s.type;
  }

  state.score = scoreOf(totalEvidence(state));
  const to = nextLevel(state.level, state.score, c);
  if (to === state.level) return { fired };
  const from = state.level;
  state.level = to;
  const drivers = topDrivers(state);
  const lead = drivers[0];
  return {
    fired,
    levelChange: {
      from,
      to,
      atMs: s.atMs,
      score: state.score,
      drivers,
      elementId: lead ? state.driverElement[lead] : undefined,
    },
  };
}

type Fire = (d: Driver, elementId: string | null | undefined, scale?: number) => void;

function dwell(state: DetectorState, s: Signal, c: DetectorConfig, fire: Fire): void {
  if (s.durationMs === undefined) return;
  const median = state.dwell.n >= c.slowDwellMinSamples ? medianOf(state.dwell) : undefined;
  if (median !== undefined && s.durationMs >= c.slowDwellFloorMs && s.durationMs >= median * c.slowDwellRatio) {
    fire("slowDwell", s.elementId);
  }
  observe(state.dwell, s.durationMs);
}

function scroll(state: DetectorState, s: Signal & { atMs: number }, c: DetectorConfig, fire: Fire): void {
  const el = s.elementId ?? null;
  if (el === null || el === state.scroll.cur) return;
  // Back to the element seen just before the current one: the reader reversed direction.
  if (el === state.scroll.prev) {
    const ring = state.scroll.reversals;
    ring.push(s.atMs);
    if (ring.length > c.scrollReversals) ring.shift();
    const first = ring[0] as number;
    if (ring.length >= c.scrollReversals && s.atMs - first <= c.scrollWindowMs) {
      fire("scrollReversal", el);
      state.scroll.reversals = [];
    }
  }
  state.scroll.prev = state.scroll.cur;
  state.scroll.cur = el;
}

export const medianDwellMs = (state: DetectorState) => {
  const m = medianOf(state.dwell);
  return m === undefined ? undefined : Math.round(m);
};
