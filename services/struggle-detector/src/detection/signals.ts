import { badRequest } from "@atomic-guide/shared";
import type { Signal } from "@atomic-guide/shared/signals";

export {
  MAX_SIGNALS_PER_BATCH,
  SIGNAL_TYPES,
  type Signal,
  type SignalBatch,
  SignalBatchSchema,
  SignalSchema,
} from "@atomic-guide/shared/signals";

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
