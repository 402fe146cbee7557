import { badRequest, IdSchema, IsoTimestampSchema } from "@atomic-guide/shared";
import * as v from "valibot";

export const SIGNAL_TYPES = [
  "hover",
  "scroll",
  "idle",
  "click",
  "focus_change",
  "answer_change",
  "help_request",
  "quiz_attempt",
] as const;

export const SignalSchema = v.object({
  type: v.picklist(SIGNAL_TYPES, "must be one of the known signal types"),
  at: IsoTimestampSchema,
  // A day is the longest span any single observation can honestly claim.
  durationMs: v.optional(v.pipe(v.number(), v.integer(), v.minValue(0), v.maxValue(86_400_000))),
  elementId: v.optional(IdSchema),
  contentType: v.optional(v.pipe(v.string(), v.maxLength(64))),
  correct: v.optional(v.boolean()),
});
export type Signal = v.InferOutput<typeof SignalSchema>;

export const MAX_SIGNALS_PER_BATCH = 100;

export const SignalBatchSchema = v.object({
  sessionId: v.optional(IdSchema),
  signals: v.pipe(
    v.array(SignalSchema),
    v.minLength(1, "a batch holds at least one signal"),
    v.maxLength(MAX_SIGNALS_PER_BATCH, `a batch holds at most ${MAX_SIGNALS_PER_BATCH} signals`),
  ),
});
export type SignalBatch = v.InferOutput<typeof SignalBatchSchema>;

/** Clocks drift; a minute ahead is tolerated, more is a client bug or a forgery. */
export const MAX_CLOCK_SKEW_MS = 60_000;
/** Signals older than this are stale (an offline client replaying yesterday); refused, not guessed at. */
export const MAX_SIGNAL_AGE_MS = 24 * 3_600_000;

export interface TimedSignal extends Signal {
  atMs: number;
  /** The de-duplication key: a retried batch carries the same signals with the same times. */
  key: string;
}

/**
 * Checks times against the server clock, drops in-batch duplicates and sorts by the signals' own
 * timestamps (arrival order means nothing over a flaky network). Throws 400 for the whole batch so
 * a bad batch stores nothing.
 */
export function prepareBatch(signals: readonly Signal[], nowMs: number): TimedSignal[] {
  const seen = new Set<string>();
  const out: TimedSignal[] = [];
  for (const [i, s] of signals.entries()) {
    const atMs = Date.parse(s.at);
    if (atMs > nowMs + MAX_CLOCK_SKEW_MS) throw badRequest("invalid_request", `signals.${i}.at: is in the future`);
    if (atMs < nowMs - MAX_SIGNAL_AGE_MS) throw badRequest("invalid_request", `signals.${i}.at: is older than a day`);
    const key = signalKey(s.type, atMs, s.elementId);
    if (seen.has(key)) continue;
    seen.add(key);
    out.push({ ...s, atMs, key });
  }
  // Stable sort keeps same-millisecond signals in the order the client sent them.
  return out.sort((a, b) => a.atMs - b.atMs);
}

export const signalKey = (type: string, atMs: number, elementId: string | undefined) =>
  `${type}|${atMs}|${elementId ?? ""}`;
