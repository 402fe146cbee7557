import { describe, expect, it } from "vitest";
import { type DetectorState, initialState, nextLevel, type StepResult, step } from "./detector";
import { emptyMedian, medianOf, observe } from "./p2-median";
import type { Signal } from "./signals";
import { DEFAULT_CONFIG, mergeConfig } from "./thresholds";

const C = DEFAULT_CONFIG;
const T0 = Date.parse("2026-11-24T10:00:00.000Z");

function feed(
  signals: (Partial<Signal> & { type: Signal["type"]; t: number })[],
  state: DetectorState = initialState(),
) {
  const results: StepResult[] = [];
  for (const s of signals) {
    const atMs = T0 + s.t;
    results.push(step(state, { ...s, at: new Date(atMs).toISOString(), atMs }, C));
  }
  return { state, fired: results.flatMap((r) => r.fired), results };
}

describe("detectors at their boundaries", () => {
  it("long hover fires at 3 s on an element, not at 2.999 s", () => {
    expect(feed([{ type: "hover", t: 0, durationMs: 2_999, elementId: "q1" }]).fired).toEqual([]);
    const { fired, state } = feed([{ type: "hover", t: 0, durationMs: 3_000, elementId: "q1" }]);
    expect(fired).toEqual(["longHover"]);
    expect(state.driverElement.longHover).toBe("q1");
  });

  it("idle fires for a reported idle of 30 s and for a 30 s silence, not for 29.999 s", () => {
    expect(feed([{ type: "idle", t: 0, durationMs: 29_999 }]).fired).toEqual([]);
    expect(feed([{ type: "idle", t: 0, durationMs: 30_000 }]).fired).toEqual(["idle"]);
    expect(
      feed([
        { type: "click", t: 0 },
        { type: "click", t: 29_999 },
      ]).fired,
    ).toEqual([]);
    expect(
      feed([
        { type: "click", t: 0 },
        { type: "click", t: 30_000 },
      ]).fired,
    ).toEqual(["idle"]);
  });

  it("does not count a reported idle twice, nor a break of hours as idleness", () => {
    expect(
      feed([
        { type: "idle", t: 0, durationMs: 40_000 },
        { type: "click", t: 40_000 },
      ]).fired,
    ).toEqual(["idle"]);
    expect(
      feed([
        { type: "click", t: 0 },
        { type: "click", t: 2 * 3_600_000 },
      ]).fired,
    ).toEqual([]);
  });

  it("back-and-forth scrolling fires at 4 reversals inside 15 s, not at 3, nor when spread out", () => {
    const reversals = (n: number, gap: number) => {
      const seq: { type: "scroll"; t: number; elementId: string }[] = [
        { type: "scroll", t: 0, elementId: "a" },
        { type: "scroll", t: gap, elementId: "b" },
      ];
      for (let i = 0; i < n; i++) seq.push({ type: "scroll", t: (i + 2) * gap, elementId: i % 2 === 0 ? "a" : "b" });
      return seq;
    };
    expect(feed(reversals(3, 1_000)).fired).toEqual([]);
    expect(feed(reversals(4, 1_000)).fired).toEqual(["scrollReversal"]);
    // The four reversals span 3 gaps: 3 x 5 s = 15 s is inside the window, 3 x 5.001 s is not.
    expect(feed(reversals(4, 5_000)).fired).toEqual(["scrollReversal"]);
    expect(feed(reversals(4, 5_001)).fired).toEqual([]);
    // Reading forward through a page is not a reversal.
    expect(
      feed(["a", "b", "c", "d", "e", "f"].map((e, i) => ({ type: "scroll" as const, t: i * 500, elementId: e }))).fired,
    ).toEqual([]);
  });

  it("answer changes fire on the 3rd change of the same element, not on changes spread across elements", () => {
    const changes = (els: string[]) =>
      els.map((e, i) => ({ type: "answer_change" as const, t: i * 1_000, elementId: e }));
    expect(feed(changes(["q1", "q1"])).fired).toEqual([]);
    expect(feed(changes(["q1", "q1", "q1"])).fired).toEqual(["answerChanges"]);
    expect(feed(changes(["q1", "q2", "q1", "q2"])).fired).toEqual([]);
  });

  it("wrong attempts fire from the 2nd in a row; a correct one resets the streak", () => {
    const attempt = (t: number, correct: boolean) => ({ type: "quiz_attempt" as const, t, correct, elementId: "quiz" });
    expect(feed([attempt(0, false)]).fired).toEqual([]);
    expect(feed([attempt(0, false), attempt(1_000, false)]).fired).toEqual(["wrongAttempts"]);
    expect(feed([attempt(0, false), attempt(1_000, true), attempt(2_000, false)]).fired).toEqual([]);
  });

  it("a help request always fires", () => {
    expect(feed([{ type: "help_request", t: 0, elementId: "q3" }]).fired).toEqual(["helpRequest"]);
  });

  it("slow dwell fires only far above the learner's own median, once the median is trusted", () => {
    const baseline = Array.from({ length: 8 }, (_, i) => ({
      type: "focus_change" as const,
      t: i * 5_000,
      durationMs: 4_000,
      elementId: `p${i}`,
    }));
    // Before 8 samples nothing is slow, however long.
    expect(
      feed([...baseline.slice(0, 7), { type: "focus_change", t: 35_000, durationMs: 60_000, elementId: "x" }]).fired,
    ).toEqual([]);
    // 3 x 4 s = 12 s: 11.999 s is not slow, 12 s is.
    expect(feed([...baseline, { type: "focus_change", t: 45_000, durationMs: 11_999, elementId: "x" }]).fired).toEqual(
      [],
    );
    expect(feed([...baseline, { type: "focus_change", t: 45_000, durationMs: 12_000, elementId: "x" }]).fired).toEqual([
      "slowDwell",
    ]);
    // A fast reader's 3x is still under the 10 s floor.
    const fast = Array.from({ length: 8 }, (_, i) => ({
      type: "focus_change" as const,
      t: i * 2_000,
      durationMs: 1_000,
      elementId: `p${i}`,
    }));
    expect(feed([...fast, { type: "focus_change", t: 20_000, durationMs: 9_000, elementId: "x" }]).fired).toEqual([]);
  });
});

describe("score and levels", () => {
  it("evidence decays with the configured half-life", () => {
    const { state } = feed([
      { type: "help_request", t: 0 },
      { type: "click", t: C.evidenceHalfLifeMs },
    ]);
    // The click after exactly one half-life: the help evidence is halved (the gap itself is idleness only up to 30 min).
    expect(state.evidence.helpRequest).toBeCloseTo(C.weights.helpRequest / 2, 6);
  });

  it("reaches struggling on strong signs and watch on weaker ones", () => {
    expect(feed([{ type: "help_request", t: 0 }]).state.level).toBe("watch");
    expect(
      feed([
        { type: "help_request", t: 0 },
        { type: "help_request", t: 1_000 },
      ]).state.level,
    ).toBe("struggling");
    expect(feed([{ type: "hover", t: 0, durationMs: 3_500, elementId: "a" }]).state.level).toBe("none");
  });

  it("has hysteresis: a level is left only below its exit threshold", () => {
    expect(nextLevel("none", 0.69, C)).toBe("watch");
    expect(nextLevel("none", 0.7, C)).toBe("struggling");
    expect(nextLevel("struggling", 0.5, C)).toBe("struggling");
    expect(nextLevel("struggling", 0.49, C)).toBe("watch");
    expect(nextLevel("struggling", 0.2, C)).toBe("none");
    expect(nextLevel("watch", 0.3, C)).toBe("watch");
    expect(nextLevel("watch", 0.24, C)).toBe("none");
    expect(nextLevel("none", 0.39, C)).toBe("none");
  });

  it("reports a level change with the drivers and the element that caused it", () => {
    const { results } = feed([
      { type: "quiz_attempt", t: 0, correct: false, elementId: "q7" },
      { type: "quiz_attempt", t: 1_000, correct: false, elementId: "q7" },
      { type: "quiz_attempt", t: 2_000, correct: false, elementId: "q7" },
    ]);
    const changes = results.flatMap((r) => (r.levelChange ? [r.levelChange] : []));
    expect(changes.map((c) => c.to)).toEqual(["watch", "struggling"]);
    expect(changes[1]?.elementId).toBe("q7");
    expect(changes[1]?.drivers[0]).toBe("wrongAttempts");
  });

  it("a correct answer halves the evidence", () => {
    const { state } = feed([
      { type: "help_request", t: 0 },
      { type: "quiz_attempt", t: 0, correct: true },
    ]);
    expect(state.evidence.helpRequest).toBeCloseTo(C.weights.helpRequest / 2, 6);
  });
});

describe("streaming median (P²)", () => {
  it("tracks the median of a skewed stream within a few percent, in constant memory", () => {
    const s = emptyMedian();
    const values: number[] = [];
    let seed = 42;
    const rand = () => {
      seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31;
      return seed / 2 ** 31;
    };
    for (let i = 0; i < 5_000; i++) {
      const x = Math.exp(8 + rand() * 2); // log-uniform dwell times
      values.push(x);
      observe(s, x);
    }
    values.sort((a, b) => a - b);
    const exact = values[2_500] as number;
    expect(Math.abs((medianOf(s) as number) - exact) / exact).toBeLessThan(0.05);
    expect(s.q).toHaveLength(5);
  });

  it("is exact for the first few samples", () => {
    const s = emptyMedian();
    for (const x of [5, 1, 3]) observe(s, x);
    expect(medianOf(s)).toBe(3);
  });
});

describe("tenant configuration", () => {
  it("merges a valid override and rejects an invalid one as a whole", () => {
    expect(mergeConfig({ dailyCap: 3, weights: { helpRequest: 2 } }).config).toMatchObject({
      dailyCap: 3,
      cooldownMs: C.cooldownMs,
      weights: { helpRequest: 2, idle: C.weights.idle },
    });
    const bad = mergeConfig({ dailyCap: 3, idleMs: "soon" });
    expect(bad.config).toEqual(C);
    expect(bad.error).toBeDefined();
    // Individually valid, but watch would be left above where it is entered.
    expect(mergeConfig({ watchExit: 0.45 }).config).toEqual(C);
    expect(mergeConfig({ unknownKnob: 1 }).error).toBeDefined();
  });
});
