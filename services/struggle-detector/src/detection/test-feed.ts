import { type DetectorState, initialState, type StepResult, step } from "./detector";
import type { Signal } from "./signals";
import { DEFAULT_CONFIG, type DetectorConfig } from "./thresholds";

/** A fixed instant: the detector works on the signals' own times, never on today's date. */
export const T0 = Date.parse("2026-11-24T10:00:00.000Z");

export type FedSignal = Partial<Signal> & { type: Signal["type"]; t: number };

/** Feeds signals at T0 + t through the detector (tests only). */
export function feed(signals: FedSignal[], state: DetectorState = initialState(), c: DetectorConfig = DEFAULT_CONFIG) {
  const results: StepResult[] = [];
  for (const { t, ...s } of signals) {
    const atMs = T0 + t;
    results.push(step(state, { ...s, at: new Date(atMs).toISOString(), atMs } as Signal & { atMs: number }, c));
  }
  return { state, fired: results.flatMap((r) => r.fired), results };
}
