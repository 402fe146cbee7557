// Per-signal cost of the detector itself (no I/O): feeds a long mixed stream through step() and
// prints signals per second and microseconds per signal, next to an empty loop over the same
// stream. The cost must not grow with session length (O(1) per signal), so it is measured at
// two lengths. Usage (from services/struggle-detector): node scripts/run.mjs scripts/bench-struggle.ts

import { initialState, step } from "../src/detection/detector";
import type { Signal } from "../src/detection/signals";
import { DEFAULT_CONFIG } from "../src/detection/thresholds";

const TYPES: Signal["type"][] = [
  "hover",
  "scroll",
  "click",
  "focus_change",
  "answer_change",
  "quiz_attempt",
  "idle",
  "help_request",
];

function stream(n: number): (Signal & { atMs: number })[] {
  const start = Date.parse("2026-11-24T09:00:00.000Z");
  return Array.from({ length: n }, (_, i) => {
    const type = TYPES[i % TYPES.length] as Signal["type"];
    const atMs = start + i * 1_500;
    return {
      type,
      at: new Date(atMs).toISOString(),
      atMs,
      elementId: `e${i % 7}`,
      durationMs: (i * 7_919) % 20_000,
      ...(type === "quiz_attempt" ? { correct: i % 3 === 0 } : {}),
    };
  });
}

function measure(n: number) {
  const signals = stream(n);
  let sink = 0;
  const t0 = performance.now();
  for (const s of signals) sink += s.atMs & 1;
  const baseline = performance.now() - t0;
  const state = initialState();
  const t1 = performance.now();
  for (const s of signals) step(state, s, DEFAULT_CONFIG);
  const elapsed = performance.now() - t1;
  return { n, elapsed, baseline, sink, score: state.score };
}

measure(20_000); // warm-up
for (const n of [10_000, 100_000]) {
  const r = measure(n);
  console.log(
    `${String(n).padStart(7)} signals: detector ${((r.elapsed / n) * 1000).toFixed(2)} µs/signal (${Math.round(n / (r.elapsed / 1000)).toLocaleString("en")} signals/s); empty loop ${((r.baseline / n) * 1000).toFixed(3)} µs/signal`,
  );
}
