import { describe, expect, it } from "vitest";
import { updateMastery } from "./mastery";
import { feed } from "./test-feed";
import { DEFAULT_CONFIG } from "./thresholds";

const C = DEFAULT_CONFIG;
/** An effortful attempt: 20 s on a 30-word item. */
const attempt = (
  t: number,
  elementId: string,
  correct: boolean,
  extra: { skill?: string; durationMs?: number } = {},
) => ({
  type: "quiz_attempt" as const,
  t,
  elementId,
  correct,
  wordCount: 30,
  durationMs: 20_000,
  ...extra,
});

describe("wrong answers across items", () => {
  it("fire at the 3rd wrong answer within the window, on different items", () => {
    expect(feed([attempt(0, "q1", false), attempt(30_000, "q2", false)]).fired).toEqual([]);
    const six = feed(Array.from({ length: 6 }, (_, i) => attempt(i * 30_000, `q${i}`, false)));
    expect(six.fired.filter((d) => d === "wrongAnswers")).toHaveLength(4);
    expect(six.state.level).toBe("struggling");
  });

  it("not when they are spread wider than the window", () => {
    const gap = C.wrongWindowMs / 2 + 1;
    expect(feed([0, 1, 2].map((i) => attempt(i * gap, `q${i}`, false))).fired).toEqual([]);
  });

  it("an effortful right answer offsets one wrong answer", () => {
    const seq = [
      attempt(0, "q1", false),
      attempt(10_000, "q2", false),
      attempt(20_000, "q3", true),
      attempt(30_000, "q4", false),
    ];
    expect(feed(seq).fired).toEqual([]);
  });
});

describe("rapid guessing (response-time effort)", () => {
  // A 30-word item is expected to take 30 x 240 ms x 1.5 = 10.8 s; rapid is under 0.3 of that.
  const rapid = (t: number, elementId: string, correct: boolean) =>
    attempt(t, elementId, correct, { durationMs: 3_000 });

  it("fires from the 3rd rapid answer, even when they alternate right and wrong", () => {
    const answers = [true, false, true, false, true].map((correct, i) => rapid(i * 4_000, `q${i}`, correct));
    const { results, state } = feed(answers);
    expect(results.map((r) => r.fired.includes("rapidGuessing"))).toEqual([false, false, true, true, true]);
    expect(state.level).toBe("struggling");
  });

  it("an answer at half the expected time (a fast expert) is not a guess", () => {
    const fast = [0, 1, 2, 3].map((i) => attempt(i * 8_000, `q${i}`, true, { durationMs: 5_400 }));
    expect(feed(fast).fired).toEqual([]);
  });

  it("a right guess is no counter-evidence; a right answer after effort halves the evidence", () => {
    const start = [{ type: "help_request" as const, t: 0 }];
    expect(feed([...start, rapid(1_000, "q1", true)]).state.evidence.helpRequest).toBeCloseTo(C.weights.helpRequest, 1);
    expect(feed([...start, attempt(1_000, "q1", true)]).state.evidence.helpRequest).toBeCloseTo(
      C.weights.helpRequest / 2,
      2,
    );
  });
});

describe("wheel-spinning", () => {
  it("fires from the 3rd attempt on one item without success", () => {
    const { results } = feed([0, 1, 2].map((i) => attempt(i * 60_000, "q1", false)));
    expect(results.map((r) => r.fired.includes("wheelSpinning"))).toEqual([false, false, true]);
  });

  it("fires for attempts on one skill across items", () => {
    const skill = { skill: "fractions" };
    const { results } = feed([
      attempt(0, "q1", false, skill),
      attempt(60_000, "q2", false, skill),
      attempt(120_000, "q3", false, skill),
    ]);
    expect(results[2]?.fired).toContain("wheelSpinning");
  });

  it("productive struggle (slow, one wrong, then right, no help) stays below struggling", () => {
    const { state } = feed([
      { type: "scroll", t: 0, elementId: "q1", wordCount: 35, contentType: "quiz" },
      { type: "idle", t: 45_000, elementId: "q1", durationMs: 45_000 },
      { type: "answer_change", t: 50_000, elementId: "q1" },
      attempt(100_000, "q1", false, { durationMs: 100_000 }),
      attempt(160_000, "q1", true, { durationMs: 60_000 }),
    ]);
    expect(state.level).not.toBe("struggling");
  });
});

describe("skill mastery (Bayesian Knowledge Tracing)", () => {
  it("moves up on right answers and down on wrong ones, from pInit", () => {
    const right = updateMastery(C.bkt.pInit, true, C.bkt);
    const wrong = updateMastery(C.bkt.pInit, false, C.bkt);
    expect(right).toBeGreaterThan(C.bkt.pInit);
    expect(wrong).toBeLessThan(C.bkt.pInit);
    // P(L|wrong) = 0.25*0.1 / (0.25*0.1 + 0.75*0.8) = 0.04; plus learning 0.96*0.1.
    expect(wrong).toBeCloseTo(0.04 + 0.96 * 0.1, 6);
  });

  it("tracks each declared skill, ignores guesses, and flags weak mastery after enough attempts", () => {
    const skill = { skill: "fractions" };
    const { state, fired } = feed([
      attempt(0, "q1", false, skill),
      attempt(60_000, "q1", true, { ...skill, durationMs: 1_000 }), // a guess: not evidence of knowing
      attempt(120_000, "q2", false, skill),
      attempt(180_000, "q3", false, skill),
    ]);
    expect(state.skills.fractions?.attempts).toBe(3);
    expect(state.skills.fractions?.pKnown).toBeLessThan(C.lowMastery);
    expect(fired).toContain("lowMastery");
  });
});
