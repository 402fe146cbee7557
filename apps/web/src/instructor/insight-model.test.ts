import { describe, expect, it } from "vitest";
import { columns, horizontalBars, niceMax } from "./chart-layout";
import { helpfulShare, readInsight, windowFor } from "./insight-model";

describe("readInsight", () => {
  it("reads per-kind outcomes: delivered, accepted, rated helpful; withheld figures stay withheld", () => {
    const ins = readInsight({
      interventions: {
        byKind: [
          { kind: "hint", delivered: 3, learners: 3, accepted: 2, dismissed: 1, helpful: 1, notHelpful: 1 },
          { kind: "chat_offer", delivered: null, learners: null, accepted: null, dismissed: null, helpful: null },
        ],
      },
    });
    expect(ins.byKind[0]).toEqual({ kind: "hint", delivered: 3, accepted: 2, helpful: 1, notHelpful: 1, dismissed: 1 });
    expect(Number.isNaN(ins.byKind[1]?.delivered)).toBe(true);
    expect(helpfulShare(ins.byKind[0] ?? { helpful: 0, notHelpful: 0 })).toBe("1 of 2 rated (50%)");
    expect(helpfulShare(ins.byKind[1] ?? { helpful: 0, notHelpful: 0 })).toBe("—");
    expect(helpfulShare({ helpful: 0, notHelpful: 0 })).toBe("—");
    expect(readInsight({}).byKind).toEqual([]);
  });

  it("reads analytics' course insight: hot spots by events, days, interventions, learners", () => {
    const ins = readInsight({
      contextId: "course-101",
      minGroupSize: 0,
      hotSpots: [
        { elementId: "q1", events: 2, learners: 1, strugglingEvents: 1, avgScore: 0.4 },
        { elementId: "q3", events: 9, learners: 4, strugglingEvents: 6, avgScore: 0.8 },
      ],
      suppressedHotSpots: 0,
      learners: { rosterSize: 6, active: 5, inactive: 1, inactiveLearners: [{ userId: "u9", name: "Sam" }] },
      interventions: {
        delivered: [
          { kind: "hint", count: 4, learners: 3 },
          { kind: "chat_offer", count: 3, learners: 2 },
        ],
        outcomes: [
          { action: "accepted", count: 3, learners: 2 },
          { action: "helpful", count: null, learners: null },
        ],
      },
      chatVolume: [
        { day: "2026-01-02", messages: 4, learners: 2 },
        { day: "2026-01-01", messages: 12, learners: 5 },
      ],
    });
    expect(ins.hotSpots.map((h) => h.elementId)).toEqual(["q3", "q1"]);
    expect(ins.hotSpots[0]).toEqual({ elementId: "q3", events: 9, learners: 4, score: 0.8 });
    expect(ins.activity).toEqual([
      { day: "2026-01-01", value: 5 },
      { day: "2026-01-02", value: 2 },
    ]);
    expect(ins.chatVolume.map((d) => d.value)).toEqual([12, 4]);
    expect(ins.interventionsDelivered).toBe(7);
    expect(ins.deliveredByKind).toEqual([
      { label: "hint", value: 4 },
      { label: "chat_offer", value: 3 },
    ]);
    // A withheld count stays withheld (NaN), never shown as zero.
    expect(ins.outcomes[0]).toEqual({ label: "accepted", value: 3 });
    expect(Number.isNaN(ins.outcomes[1]?.value)).toBe(true);
    expect(ins.activeLearners).toBe(5);
    expect(ins.inactiveCount).toBe(1);
    expect(ins.inactive).toEqual([{ id: "u9", name: "Sam" }]);
  });

  it("counts no interventions as 0 delivered, not as unknown", () => {
    const ins = readInsight({ interventions: { delivered: [], outcomes: [], byKind: [] } });
    expect(ins.interventionsDelivered).toBe(0);
    expect(readInsight({ interventions: {} }).interventionsDelivered).toBeUndefined();
  });

  it("gives empty sections, not an exception, for an answer it does not recognise", () => {
    expect(readInsight("nonsense")).toEqual({
      hotSpots: [],
      activity: [],
      chatVolume: [],
      outcomes: [],
      deliveredByKind: [],
      byKind: [],
      inactive: [],
      inactiveCount: 0,
      suppressedHotSpots: 0,
      minGroupSize: 0,
    });
  });

  it("computes the window from a preset", () => {
    const now = new Date("2026-01-31T00:00:00.000Z");
    expect(windowFor(30, now)).toEqual({ from: "2026-01-01T00:00:00.000Z", to: "2026-01-31T00:00:00.000Z" });
  });
});

describe("chart layout", () => {
  it("rounds the axis to a nice maximum", () => {
    expect(niceMax(0)).toBe(1);
    expect(niceMax(7)).toBe(10);
    expect(niceMax(9)).toBe(10);
    expect(niceMax(11)).toBe(20);
    expect(niceMax(230)).toBe(250);
  });

  it("scales bars to the value and never draws negative sizes", () => {
    const { bars, max } = horizontalBars(
      [
        { label: "a", value: 10 },
        { label: "b", value: 5 },
        { label: "c", value: -3 },
        { label: "withheld", value: Number.NaN },
      ],
      300,
      20,
      100,
    );
    expect(max).toBe(10);
    expect(bars[0]?.width).toBeCloseTo(152);
    expect(bars[1]?.width).toBeCloseTo(76);
    expect(bars[2]?.width).toBe(0);
    expect(bars[3]?.width).toBe(0);
    const cols = columns(
      [
        { label: "d1", value: 5 },
        { label: "d2", value: 10 },
      ],
      100,
      50,
    );
    expect(cols.bars[0]).toMatchObject({ y: 25, height: 25 });
    expect(cols.bars[1]).toMatchObject({ y: 0, height: 50 });
  });
});
