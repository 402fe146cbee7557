import { describe, expect, it } from "vitest";
import { beginSession, DRIVERS, initialState, nextLevel, restoreState } from "./detector";
import { emptyMedian, medianOf, observe } from "./p2-median";
import { feed, T0 } from "./test-feed";
import { DEFAULT_CONFIG, mergeConfig } from "./thresholds";

const C = DEFAULT_CONFIG;

describe("help requests and chat messages", () => {
  it("a help request fires on the block it names, or the block in view", () => {
    expect(feed([{ type: "help_request", t: 0, elementId: "q3" }]).state.driverElement.helpRequest).toBe("q3");
    const { state } = feed([
      { type: "scroll", t: 0, elementId: "para-2" },
      { type: "help_request", t: 1_000 },
    ]);
    expect(state.driverElement.helpRequest).toBe("para-2");
  });

  it("chat messages are not struggle evidence; they mark the learner as chatting for chatQuietMs", () => {
    const { state, fired } = feed(
      Array.from({ length: 5 }, (_, i) => ({ type: "help_request" as const, t: i * 1_000, contentType: "chat" })),
    );
    expect(fired).toEqual([]);
    expect(state.level).toBe("none");
    expect(state.chattingUntil).toBe(T0 + 4_000 + C.chatQuietMs);
  });
});

describe("score and levels", () => {
  it("evidence decays with the configured half-life", () => {
    const { state } = feed([
      { type: "help_request", t: 0 },
      { type: "click", t: C.evidenceHalfLifeMs },
    ]);
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
      { type: "quiz_attempt", t: 10_000, correct: false, elementId: "q7" },
      { type: "quiz_attempt", t: 20_000, correct: false, elementId: "q7" },
    ]);
    const changes = results.flatMap((r) => (r.levelChange ? [r.levelChange] : []));
    expect(changes.map((c) => c.to)).toEqual(["struggling"]);
    expect(changes[0]?.elementId).toBe("q7");
    expect(changes[0]?.drivers.slice(0, 2)).toEqual(["wrongAnswers", "wheelSpinning"]);
  });

  it("a state stored by an older version continues with the new fields and without removed drivers", () => {
    const old = { level: "watch", score: 0.5, evidence: { helpRequest: 0.7, longHover: 0.3 }, evidenceAt: 5 };
    const state = restoreState(old);
    expect(state.level).toBe("watch");
    expect(Object.keys(state.evidence).sort()).toEqual([...DRIVERS].sort());
    expect(state.evidence.helpRequest).toBe(0.7);
    expect(state.view).toEqual(initialState().view);
    expect(restoreState(undefined)).toEqual(initialState());
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
      const x = Math.exp(8 + rand() * 2);
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

describe("state stays bounded whatever the session's length", () => {
  it("holds the same size after 200 and after 20 000 signals", () => {
    const session = (n: number) =>
      Array.from({ length: n }, (_, i) => {
        const kinds = ["scroll", "hover", "quiz_attempt", "answer_change", "idle", "focus_change"] as const;
        return {
          type: kinds[i % kinds.length] as (typeof kinds)[number],
          t: i * 3_000,
          elementId: `b${i % 97}`,
          skill: `s${i % 41}`,
          wordCount: 50 + (i % 300),
          durationMs: 1_000 + (i % 50) * 1_000,
          correct: i % 3 === 0,
        };
      });
    const size = (n: number) => JSON.stringify(feed(session(n)).state).length;
    // Bounded rings and maps: the stored state of a long session is no bigger than a short one's, give or take digits.
    expect(size(20_000)).toBeLessThan(size(200) * 1.2);
  });
});

describe("tenant configuration", () => {
  it("merges a valid override and rejects an invalid one as a whole", () => {
    expect(mergeConfig({ dailyCap: 3, weights: { helpRequest: 2 }, bkt: { pSlip: 0.2 } }).config).toMatchObject({
      dailyCap: 3,
      cooldownMs: C.cooldownMs,
      weights: { helpRequest: 2, idle: C.weights.idle },
      bkt: { pSlip: 0.2, pGuess: C.bkt.pGuess },
    });
    const bad = mergeConfig({ dailyCap: 3, idleMs: "soon" });
    expect(bad.config).toEqual(C);
    expect(bad.error).toBeDefined();
    expect(mergeConfig({ watchExit: 0.45 }).config).toEqual(C);
    expect(mergeConfig({ unknownKnob: 1 }).error).toBeDefined();
  });
});

describe("a new session", () => {
  /** Wrong answers across items and a help request: struggling, ending at T0 + 8 s. */
  const struggled = () =>
    feed([
      ...[0, 2_000, 4_000, 6_000].map((t, i) => ({
        type: "quiz_attempt" as const,
        t,
        elementId: `q${i}`,
        correct: false,
      })),
      { type: "help_request", t: 8_000, elementId: "q3" },
    ]).state;
  /** A browser relaunched on a clock behind the last session's: its signals come before `evidenceAt`. */
  const behind = -10 * 60_000;

  it("starts calm and keeps the learner's baselines", () => {
    const before = struggled();
    observe(before.pace, 1.4);
    expect(before.level).toBe("struggling");
    const after = beginSession(before);
    expect(after.level).toBe("none");
    expect(Object.values(after.evidence).every((e) => e === 0)).toBe(true);
    expect(after.pace).toEqual(before.pace);
    expect(after.skills).toEqual(before.skills);
  });

  it("a video watched for minutes after a struggling session stays below struggling", () => {
    const { results, state } = feed(
      [
        {
          type: "hover",
          t: behind + 190_000,
          elementId: "balance-video",
          durationMs: 190_000,
          wordCount: 11,
          contentType: "video",
        },
        { type: "scroll", t: behind + 190_000, elementId: "video-notes", wordCount: 64, contentType: "text" },
        {
          type: "hover",
          t: behind + 231_000,
          elementId: "video-notes",
          durationMs: 41_000,
          wordCount: 64,
          contentType: "text",
        },
      ],
      beginSession(struggled()),
    );
    expect(state.level).toBe("none");
    expect(results.every((r) => r.levelChange === undefined)).toBe(true);
  });

  it("chat messages and a dwell after a struggling session never raise the level", () => {
    const { results, state } = feed(
      [
        ...[0, 20_000, 40_000].map((t) => ({
          type: "help_request" as const,
          t: behind + t,
          elementId: "intro",
          contentType: "chat",
        })),
        {
          type: "hover",
          t: behind + 60_000,
          elementId: "intro",
          durationMs: 60_000,
          wordCount: 40,
          contentType: "text",
        },
      ],
      beginSession(struggled()),
    );
    expect(state.level).toBe("none");
    expect(results.every((r) => r.levelChange === undefined)).toBe(true);
  });
});
