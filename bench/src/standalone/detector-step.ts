// Per-signal cost of the detector itself (no I/O): feeds a long mixed stream through step() and
// prints signals per second and microseconds per signal, next to an empty loop over the same
// stream. The cost must not grow with session length (O(1) per signal), so it is measured at
// two lengths. Run: npm run bench -- detector-step (docs/benchmarks.md).

import { initialState, step } from "../../../services/struggle-detector/src/detection/detector";
import type { Signal } from "../../../services/struggle-detector/src/detection/signals";
import { DEFAULT_CONFIG } from "../../../services/struggle-detector/src/detection/thresholds";

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
  const start = Date.now() - n * 1_500;
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

/** `--quick`: a tenth of the signals, for a smoke check. */
const scale = process.argv.includes("--quick") ? 0.1 : 1;
measure(20_000 * scale); // warm-up
for (const n of [10_000 * scale, 100_000 * scale]) {
  const r = measure(n);
  console.log(
    `${String(n).padStart(7)} signals: detector ${((r.elapsed / n) * 1000).toFixed(2)} µs/signal (${Math.round(n / (r.elapsed / 1000)).toLocaleString("en")} signals/s); empty loop ${((r.baseline / n) * 1000).toFixed(3)} µs/signal`,
  );
}
