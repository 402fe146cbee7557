import { answerChange, quizAttempt } from "./answers";
import { away, dwell, idle, scroll } from "./attention";
import type { SkillState } from "./mastery";
import { emptyMedian, medianOf, type P2State } from "./p2-median";
import type { Signal } from "./signals";
import type { DetectorConfig } from "./thresholds";

export const DRIVERS = [
  "idle",
  "rereading",
  "answerChanges",
  "wrongAnswers",
  "wheelSpinning",
  "rapidGuessing",
  "lowMastery",
  "helpRequest",
  "slowDwell",
] as const;
export type Driver = (typeof DRIVERS)[number];
export type Level = "none" | "watch" | "struggling";

/**
 * Everything the detector remembers between signals: decayed evidence, bounded rings and running
 * medians, never the signal history, so each signal costs O(1) whatever the session's length.
 * Plain JSON so the Durable Object stores it as one row.
 */
export interface DetectorState {
  /** Latest signal time processed (ms). */
  lastAt: number | null;
  /** Evidence per driver, decayed to `evidenceAt`. */
  evidence: Record<Driver, number>;
  evidenceAt: number;
  /** Element each driver last fired on: where an intervention should point. */
  driverElement: Partial<Record<Driver, string>>;
  level: Level;
  score: number;
  /** Answer changes on the item being worked on. */
  answer: { elementId: string | null; count: number };
  /** Attempts without success on the item being worked on. */
  item: { elementId: string | null; attempts: number };
  /** Times of recent wrong answers (any item) and rapid responses: bounded rings. */
  wrongTimes: number[];
  rapidTimes: number[];
  /** The block in view, since when, the blocks seen recently, and recent returns to one of them. */
  view: { cur: string | null; since: number; recent: string[]; revisits: number[] };
  /** Dwell per expected reading time (the learner's reading pace) and time away: running medians. */
  pace: P2State;
  away: P2State;
  /** Word counts of recently seen blocks. */
  words: [string, number][];
  skills: Record<string, SkillState>;
  /** Until when the learner is chatting (no chat offer then). */
  chattingUntil: number | null;
}

export const initialState = (): DetectorState => ({
  lastAt: null,
  evidence: {
    idle: 0,
    rereading: 0,
    answerChanges: 0,
    wrongAnswers: 0,
    wheelSpinning: 0,
    rapidGuessing: 0,
    lowMastery: 0,
    helpRequest: 0,
    slowDwell: 0,
  },
  evidenceAt: 0,
  driverElement: {},
  level: "none",
  score: 0,
  answer: { elementId: null, count: 0 },
  item: { elementId: null, attempts: 0 },
  wrongTimes: [],
  rapidTimes: [],
  view: { cur: null, since: 0, recent: [], revisits: [] },
  pace: emptyMedian(),
  away: emptyMedian(),
  words: [],
  skills: {},
  chattingUntil: null,
});

/**
 * A state stored by an older version lacks the newer fields; it continues with them empty and
 * with evidence only for drivers that still exist.
 */
export function restoreState(stored: unknown): DetectorState {
  const fresh = initialState();
  if (!stored || typeof stored !== "object") return fresh;
  const s = stored as Partial<DetectorState>;
  const evidence = { ...fresh.evidence };
  for (const d of DRIVERS) {
    const value = s.evidence?.[d];
    if (typeof value === "number") evidence[d] = value;
  }
  return { ...fresh, ...s, evidence, view: { ...fresh.view, ...s.view }, item: s.item ?? fresh.item };
}

/**
 * A new session (a launch, or a return after SESSION_IDLE_MS) starts calm: evidence, level and the
 * view and item trackers belong to one sitting; the learner's own baselines (reading pace, time
 * away, skills, block lengths) carry over. Without this a session whose client clock runs behind the
 * last one's (another device, the same learner relaunching) would inherit the old evidence
 * undecayed, since signals earlier than `evidenceAt` never decay it.
 */
export function beginSession(state: DetectorState): DetectorState {
  return { ...initialState(), pace: state.pace, away: state.away, skills: state.skills, words: state.words };
}

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

export type Fire = (d: Driver, elementId: string | null | undefined, scale?: number) => void;
export type TimedSignal = Signal & { atMs: number };

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

/** Success after effort is the strongest counter-evidence there is. */
export function relieve(state: DetectorState): void {
  for (const d of DRIVERS) state.evidence[d] *= 0.5;
}

type Detect = (state: DetectorState, s: TimedSignal, c: DetectorConfig, fire: Fire) => void;

const helpRequest: Detect = (state, s, c, fire) => {
  // A chat message is the learner talking to the guide, not a plea: it only quiets chat offers.
  if (s.contentType === "chat") state.chattingUntil = Math.max(state.chattingUntil ?? 0, s.atMs + c.chatQuietMs);
  else fire("helpRequest", s.elementId ?? state.view.cur);
};

/** The detector each kind of signal feeds; a kind without one (click) only moves the clock. */
const DETECTORS: Partial<Record<TimedSignal["type"], Detect>> = {
  scroll,
  hover: dwell,
  idle,
  focus_change: away,
  answer_change: answerChange,
  quiz_attempt: quizAttempt,
  help_request: helpRequest,
};

/** Feeds one signal (in timestamp order) through every detector. Mutates `state`. */
export function step(state: DetectorState, s: TimedSignal, c: DetectorConfig): StepResult {
  const fired: Driver[] = [];
  const fire: Fire = (d, elementId, scale = 1) => {
    state.evidence[d] += c.weights[d] * scale;
    if (elementId) state.driverElement[d] = elementId;
    fired.push(d);
  };
  decayTo(state, s.atMs, c);

  DETECTORS[s.type]?.(state, s, c, fire);

  if (state.lastAt === null || s.atMs >= state.lastAt) state.lastAt = s.atMs;

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

/** The learner's median reading pace (dwell / expected reading time), rounded, once there is one. */
export const medianPace = (state: DetectorState) => {
  const m = medianOf(state.pace);
  return m === undefined ? undefined : Math.round(m * 100) / 100;
};
