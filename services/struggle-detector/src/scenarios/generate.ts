import type { Signal } from "../detection/signals";

/**
 * Synthetic learner sessions with a known truth, to measure the detector rather than argue about
 * it. Each archetype is generated with seeded noise, so runs are repeatable and variants differ.
 */
export const ARCHETYPES = [
  "steady_reader",
  "confused_on_one_question",
  "idle_then_returns",
  "rapid_guessing",
  "fast_expert",
  "help_seeker",
] as const;
export type Archetype = (typeof ARCHETYPES)[number];

export interface Scenario {
  archetype: Archetype;
  variant: number;
  /** True when a teacher watching would say the learner is stuck. */
  struggling: boolean;
  /** When the trouble starts (ms from session start), for time-to-detection. */
  onsetMs?: number;
  signals: (Signal & { atMs: number })[];
}

export const SCENARIO_START_MS = Date.parse("2026-11-24T09:00:00.000Z");

/** Park-Miller: tiny, deterministic, good enough for noise. */
function rng(seed: number) {
  let s = seed % 2_147_483_647 || 1;
  return () => {
    s = (s * 16_807) % 2_147_483_647;
    return (s - 1) / 2_147_483_646;
  };
}

class Builder {
  t = 0;
  readonly signals: (Signal & { atMs: number })[] = [];
  constructor(readonly rand: () => number) {}
  between(lo: number, hi: number) {
    return Math.round(lo + this.rand() * (hi - lo));
  }
  wait(ms: number) {
    this.t += ms;
  }
  emit(s: Omit<Signal, "at">) {
    const atMs = SCENARIO_START_MS + this.t;
    this.signals.push({ ...s, at: new Date(atMs).toISOString(), atMs });
  }
  /** Reads a paragraph: scrolls to it, glances over it, moves on after a dwell near `meanMs`. */
  read(id: string, meanMs: number) {
    this.emit({ type: "scroll", elementId: id });
    this.wait(this.between(300, 900));
    this.emit({ type: "hover", elementId: id, durationMs: this.between(400, 2_200) });
    const dwell = this.between(meanMs * 0.6, meanMs * 1.4);
    this.wait(Math.min(dwell, 25_000));
    this.emit({ type: "focus_change", elementId: id, durationMs: dwell });
    this.wait(this.between(500, 2_000));
  }
  quiz(id: string, correct: boolean, thinkMs: number) {
    this.wait(thinkMs);
    this.emit({ type: "quiz_attempt", elementId: id, correct });
  }
}

function generate(archetype: Archetype, variant: number): Scenario {
  const b = new Builder(rng(1 + variant * 7_919 + ARCHETYPES.indexOf(archetype) * 104_729));
  const readSome = (n: number, meanMs: number, prefix = "p") => {
    for (let i = 0; i < n; i++) b.read(`${prefix}${i}`, meanMs);
  };
  switch (archetype) {
    case "steady_reader": {
      readSome(14, 15_000);
      b.quiz("q1", b.rand() < 0.8, 8_000);
      b.quiz("q2", true, 9_000);
      readSome(6, 15_000, "r");
      return { archetype, variant, struggling: false, signals: b.signals };
    }
    case "confused_on_one_question": {
      readSome(10, 12_000);
      const onsetMs = b.t;
      b.emit({ type: "hover", elementId: "q5", durationMs: b.between(4_000, 8_000) });
      for (let i = 0; i < 4; i++) {
        b.wait(b.between(2_000, 5_000));
        b.emit({ type: "answer_change", elementId: "q5" });
      }
      b.wait(b.between(3_000, 6_000));
      b.emit({ type: "hover", elementId: "q5", durationMs: b.between(3_500, 7_000) });
      b.quiz("q5", false, b.between(2_000, 4_000));
      b.quiz("q5", false, b.between(4_000, 9_000));
      b.quiz("q5", false, b.between(4_000, 9_000));
      return { archetype, variant, struggling: true, onsetMs, signals: b.signals };
    }
    case "idle_then_returns": {
      readSome(6, 12_000);
      b.wait(b.between(90_000, 600_000));
      b.emit({ type: "click", elementId: "p6" });
      readSome(8, 12_000, "s");
      b.quiz("q1", true, 7_000);
      return { archetype, variant, struggling: false, signals: b.signals };
    }
    case "rapid_guessing": {
      readSome(3, 6_000);
      const onsetMs = b.t;
      for (let i = 0; i < 6; i++) {
        b.quiz(`q${Math.floor(i / 3)}`, b.rand() < 0.15, b.between(800, 2_500));
      }
      return { archetype, variant, struggling: true, onsetMs, signals: b.signals };
    }
    case "fast_expert": {
      for (let i = 0; i < 16; i++) b.read(`p${i}`, 3_000);
      for (let i = 0; i < 5; i++) b.quiz(`q${i}`, true, b.between(1_500, 3_000));
      return { archetype, variant, struggling: false, signals: b.signals };
    }
    case "help_seeker": {
      readSome(5, 12_000);
      const onsetMs = b.t;
      b.emit({ type: "help_request", elementId: "p4" });
      b.read("p4", 20_000);
      b.emit({ type: "help_request", elementId: "p4" });
      b.wait(b.between(3_000, 8_000));
      b.emit({ type: "hover", elementId: "p4", durationMs: b.between(3_000, 6_000) });
      return { archetype, variant, struggling: true, onsetMs, signals: b.signals };
    }
  }
}

export function scenarioSet(variantsPerArchetype = 25): Scenario[] {
  return ARCHETYPES.flatMap((a) => Array.from({ length: variantsPerArchetype }, (_, v) => generate(a, v)));
}
