import { describe, expect, it } from "vitest";
import { feed } from "./test-feed";
import { DEFAULT_CONFIG } from "./thresholds";

const C = DEFAULT_CONFIG;
/** 250 words at 250 wpm: one minute of expected reading. */
const minuteBlock = { wordCount: 250, contentType: "text" };

describe("re-reading", () => {
  /** Views blocks in order, each for `viewMs`. */
  const views = (ids: string[], viewMs: number) =>
    ids.map((elementId, i) => ({ type: "scroll" as const, t: i * viewMs, elementId }));

  it("fires on the 3rd return to a block seen before within the window, not on reading forward", () => {
    expect(feed(views(["a", "b", "c", "d", "e", "f"], 5_000)).fired).toEqual([]);
    // a b a b a: returns to a, b, a = three returns.
    expect(feed(views(["a", "b", "a", "b"], 5_000)).fired).toEqual([]);
    const { fired, state } = feed(views(["a", "b", "a", "b", "a"], 5_000));
    expect(fired).toEqual(["rereading"]);
    expect(state.driverElement.rereading).toBe("a");
  });

  it("counts a return only after the block left was in view long enough to be read", () => {
    // Jitter at a boundary between two blocks: each in view for a moment.
    expect(feed(views(["a", "b", "a", "b", "a", "b"], C.rereadMinViewMs - 1)).fired).toEqual([]);
  });

  it("ignores returns spread wider than the window", () => {
    const gap = C.rereadWindowMs / 2 + 1;
    expect(feed(views(["a", "b", "a", "b", "a"], gap)).fired).toEqual([]);
  });
});

describe("dwell against the block's expected reading time and the learner's pace", () => {
  it("fires at slowDwellRatio times the expected time, not below", () => {
    const dwell = (durationMs: number) => [
      { type: "hover" as const, t: 0, elementId: "p", durationMs, ...minuteBlock },
    ];
    expect(feed(dwell(C.slowDwellRatio * 60_000 - 1)).fired).toEqual([]);
    expect(feed(dwell(C.slowDwellRatio * 60_000)).fired).toEqual(["slowDwell"]);
  });

  it("judges a slow reader against their own median pace once it is trusted", () => {
    // Five blocks read at twice the expected time: the learner's pace is 2.
    const slowReader = Array.from({ length: C.slowDwellMinSamples }, (_, i) => ({
      type: "hover" as const,
      t: i * 200_000,
      elementId: `p${i}`,
      durationMs: 120_000,
      ...minuteBlock,
    }));
    const next = (durationMs: number) => ({
      type: "hover" as const,
      t: 2_000_000,
      elementId: "x",
      durationMs,
      ...minuteBlock,
    });
    // 3x the expected time is only 1.5x this learner's pace.
    expect(feed([...slowReader, next(180_000)]).fired).toEqual([]);
    expect(feed([...slowReader, next(360_000)]).fired).toEqual(["slowDwell"]);
  });

  it("never judges time on a video, or a dwell under the floor", () => {
    expect(
      feed([{ type: "hover", t: 0, elementId: "v", durationMs: 600_000, wordCount: 10, contentType: "video" }]).fired,
    ).toEqual([]);
    expect(
      feed([{ type: "hover", t: 0, elementId: "s", durationMs: C.slowDwellFloorMs - 1, wordCount: 1 }]).fired,
    ).toEqual([]);
  });
});

describe("idle against the block in view", () => {
  it("a pause on a long block is reading; the same pause on a short block is idleness", () => {
    const idle = (wordCount: number) => [
      { type: "idle" as const, t: 0, elementId: "p", durationMs: 45_000, wordCount },
    ];
    expect(feed(idle(600)).fired).toEqual([]);
    expect(feed(idle(40)).fired).toEqual(["idle"]);
  });

  it("uses the word count remembered from the block's scroll when the idle has none", () => {
    const { fired } = feed([
      { type: "scroll", t: 0, elementId: "long", wordCount: 600 },
      { type: "idle", t: 60_000, elementId: "long", durationMs: 45_000 },
    ]);
    expect(fired).toEqual([]);
  });

  it("never counts spells under idleMs, or breaks of more than 30 minutes", () => {
    expect(feed([{ type: "idle", t: 0, elementId: "p", durationMs: C.idleMs - 1, wordCount: 1 }]).fired).toEqual([]);
    expect(feed([{ type: "idle", t: 0, elementId: "p", durationMs: 31 * 60_000, wordCount: 1 }]).fired).toEqual([]);
  });
});

describe("time away (focus_change with a duration)", () => {
  const awayFor = (durationMs: number, t = 0) => ({ type: "focus_change" as const, t, durationMs });

  it("before the learner's habit is known, only a long absence counts", () => {
    expect(feed([awayFor(2 * C.awayFloorMs - 1)]).fired).toEqual([]);
    expect(feed([awayFor(2 * C.awayFloorMs)]).fired).toEqual(["slowDwell"]);
  });

  it("afterwards, time away far above the learner's own median fires", () => {
    const habit = Array.from({ length: C.slowDwellMinSamples }, (_, i) => awayFor(30_000, i * 100_000));
    expect(feed([...habit, awayFor(89_999, 1_000_000)]).fired).toEqual([]);
    expect(feed([...habit, awayFor(90_000, 1_000_000)]).fired).toEqual(["slowDwell"]);
  });

  it("ignores a focus change without a duration", () => {
    expect(feed([{ type: "focus_change", t: 0 }]).fired).toEqual([]);
  });
});
