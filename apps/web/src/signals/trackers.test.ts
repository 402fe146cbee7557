import { describe, expect, it } from "vitest";
import { countWords } from "../page/blocks";
import { AwayTracker } from "./away";
import { DwellTracker, mostVisible } from "./dwell";
import { IdleTracker } from "./idle";
import { QuizTimer } from "./quiz-timer";

function clock(start = 1_000_000) {
  let t = start;
  return { now: () => t, advance: (ms: number) => (t += ms) };
}

describe("DwellTracker", () => {
  it("sends the dwell on a block when another becomes the block in view, and the arrival as scroll", () => {
    const c = clock();
    const d = new DwellTracker(c.now);
    // The block shown when the page opens is not a scroll.
    expect(d.setInView("intro")).toEqual([]);
    c.advance(12_000);
    expect(d.setInView("worked-example")).toEqual([
      { type: "hover", blockId: "intro", durationMs: 12_000 },
      { type: "scroll", blockId: "worked-example" },
    ]);
    c.advance(3_000);
    // Scrolling back: re-reading shows as the same block id again.
    expect(d.setInView("intro")).toEqual([
      { type: "hover", blockId: "worked-example", durationMs: 3_000 },
      { type: "scroll", blockId: "intro" },
    ]);
    expect(d.inView).toBe("intro");
  });

  it("counts only time with the tab visible, and sends the dwell so far when the tab is hidden", () => {
    const c = clock();
    const d = new DwellTracker(c.now);
    d.setInView("reading");
    c.advance(5_000);
    expect(d.hide()).toEqual([{ type: "hover", blockId: "reading", durationMs: 5_000 }]);
    c.advance(600_000); // away: not dwell
    expect(d.hide()).toEqual([]);
    d.show();
    c.advance(2_000);
    expect(d.setInView("quiz")).toEqual([
      { type: "hover", blockId: "reading", durationMs: 2_000 },
      { type: "scroll", blockId: "quiz" },
    ]);
  });

  it("does not report a block scrolled past in a blink, but still reports arriving on it", () => {
    const c = clock();
    const d = new DwellTracker(c.now, 250);
    d.setInView("a");
    c.advance(249);
    expect(d.setInView("b")).toEqual([{ type: "scroll", blockId: "b" }]);
    c.advance(250);
    expect(d.setInView(null)).toEqual([{ type: "hover", blockId: "b", durationMs: 250 }]);
  });
});

describe("mostVisible", () => {
  it("picks the block with the largest visible area, the earlier one on a tie, none when nothing shows", () => {
    expect(
      mostVisible(
        new Map([
          ["a", 100],
          ["b", 300],
          ["c", 200],
        ]),
      ),
    ).toBe("b");
    expect(
      mostVisible(
        new Map([
          ["a", 300],
          ["b", 300],
        ]),
      ),
    ).toBe("a");
    expect(mostVisible(new Map([["a", 0]]))).toBeNull();
  });
});

describe("IdleTracker", () => {
  it("reports an idle spell when input resumes, with its full length, and only past the threshold", () => {
    const c = clock();
    const idle = new IdleTracker(c.now, 30_000);
    c.advance(29_999);
    expect(idle.activity()).toBeNull();
    c.advance(45_000);
    expect(idle.activity()).toBe(45_000);
    c.advance(1_000);
    expect(idle.activity()).toBeNull();
  });

  it("does not count time while media plays or the tab is away, and reports a spell that media ends", () => {
    const c = clock();
    const idle = new IdleTracker(c.now, 30_000);
    c.advance(40_000);
    // Pressing play after a long pause ends that pause.
    expect(idle.suspend("media")).toBe(40_000);
    c.advance(300_000); // a five-minute video with no input is watching, not idling
    idle.resume("media");
    c.advance(10_000);
    expect(idle.activity()).toBeNull();
    idle.suspend("away");
    idle.suspend("media");
    c.advance(100_000);
    idle.resume("away"); // media still plays
    c.advance(100_000);
    expect(idle.activity()).toBeNull();
    idle.resume("media");
    c.advance(31_000);
    expect(idle.activity()).toBe(31_000);
  });
});

describe("AwayTracker", () => {
  it("measures time away from the first of blur or hide until the learner is back, once", () => {
    const c = clock();
    const away = new AwayTracker(c.now);
    expect(away.back()).toBeNull();
    away.leave();
    c.advance(2_000);
    away.leave(); // the tab is hidden after the window blurred: still the same absence
    c.advance(88_000);
    expect(away.back()).toBe(90_000);
    expect(away.back()).toBeNull();
  });
});

describe("QuizTimer", () => {
  it("times an answer from the item first shown, then from the previous attempt", () => {
    const c = clock();
    const q = new QuizTimer(c.now);
    expect(q.attempt("never-shown")).toBeUndefined();
    q.shown("q1");
    c.advance(20_000);
    q.shown("q1"); // shown again after scrolling away: the clock keeps its start
    c.advance(25_000);
    expect(q.attempt("q1")).toBe(45_000);
    c.advance(1_500);
    expect(q.attempt("q1")).toBe(1_500);
  });
});

describe("countWords", () => {
  it("counts words as a reader does", () => {
    expect(countWords("  Solve 3x + 7 = 22 for x.\n It's well-known. ")).toBe(8);
    expect(countWords("")).toBe(0);
    expect(countWords("Ça coûte 12 €")).toBe(3);
  });
});
