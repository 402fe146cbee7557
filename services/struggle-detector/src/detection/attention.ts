import type { DetectorState, Fire, TimedSignal } from "./detector";
import { IDLE_GAP_MAX_MS } from "./detector";
import { medianOf, observe, type P2State } from "./p2-median";
import { expectedReadingMs, isMedia, rememberWords, wordsOf } from "./reading";
import type { DetectorConfig } from "./thresholds";
import { fullWithin, pushTime } from "./time-ring";

/** Blocks remembered as "seen before" for re-reading. */
const RECENT_BLOCKS = 8;

/** The learner's own baseline from a running median, once it has enough samples; else `fallback`. */
function baseline(median: P2State, c: DetectorConfig, fallback: number): number {
  const m = median.n >= c.slowDwellMinSamples ? medianOf(median) : undefined;
  return m === undefined ? fallback : m;
}

/** A block came into view: a return to one seen before, after reading on, is re-reading. */
export function scroll(state: DetectorState, s: TimedSignal, c: DetectorConfig, fire: Fire): void {
  rememberWords(state.words, s.elementId, s.wordCount);
  const el = s.elementId ?? null;
  const view = state.view;
  if (el === null || el === view.cur) return;
  // Leaving a block after a moment is scrolling past it (or jitter at a boundary), not reading it.
  const readCurrent = view.cur !== null && s.atMs - view.since >= c.rereadMinViewMs;
  if (readCurrent && view.recent.includes(el)) {
    pushTime(view.revisits, s.atMs, c.rereadRevisits);
    if (fullWithin(view.revisits, s.atMs, c.rereadRevisits, c.rereadWindowMs)) fire("rereading", el);
  }
  view.recent = [el, ...view.recent.filter((e) => e !== el)].slice(0, RECENT_BLOCKS);
  view.cur = el;
  view.since = s.atMs;
}

/**
 * Time a block was in view (the client's dwell). Judged against the block's expected reading time
 * and the learner's own pace: a slow reader is not flagged for being slow.
 */
export function dwell(state: DetectorState, s: TimedSignal, c: DetectorConfig, fire: Fire): void {
  rememberWords(state.words, s.elementId, s.wordCount);
  if (s.durationMs === undefined || isMedia(s.contentType)) return;
  const expected = expectedReadingMs(s.wordCount ?? wordsOf(state.words, s.elementId), s.contentType, c);
  const pace = s.durationMs / expected;
  const usual = Math.max(1, baseline(state.pace, c, 1));
  if (s.durationMs >= c.slowDwellFloorMs && pace >= c.slowDwellRatio * usual) fire("slowDwell", s.elementId);
  observe(state.pace, pace);
}

/** No input while the tab was visible and nothing played: long only relative to the block in view. */
export function idle(state: DetectorState, s: TimedSignal, c: DetectorConfig, fire: Fire): void {
  rememberWords(state.words, s.elementId, s.wordCount);
  const spell = s.durationMs ?? 0;
  if (spell > IDLE_GAP_MAX_MS || isMedia(s.contentType)) return;
  const el = s.elementId ?? state.view.cur ?? undefined;
  const expected = expectedReadingMs(s.wordCount ?? wordsOf(state.words, el), s.contentType, c);
  const usual = Math.max(1, baseline(state.pace, c, 1));
  const threshold = Math.max(c.idleMs, c.idleRatio * expected * usual);
  if (spell >= threshold) fire("idle", el, spell >= 2 * threshold ? 1.5 : 1);
}

/** Time away from the tab: far above the learner's own usual time away. */
export function away(state: DetectorState, s: TimedSignal, c: DetectorConfig, fire: Fire): void {
  const spell = s.durationMs;
  if (spell === undefined || spell > IDLE_GAP_MAX_MS) return;
  // Until the learner's own habit is known, a step away counts only past twice the floor.
  const usual = baseline(state.away, c, (2 * c.awayFloorMs) / c.slowDwellRatio);
  if (spell >= c.awayFloorMs && spell >= c.slowDwellRatio * usual) fire("slowDwell", state.view.cur);
  observe(state.away, spell);
}
