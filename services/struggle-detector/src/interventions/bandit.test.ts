import type { InterventionKind } from "@atomic-guide/shared/interventions";
import { describe, expect, it } from "vitest";
import { type CourseOutcomes, chooseKind, sampleBeta, seededRng } from "./bandit";

const KINDS: InterventionKind[] = ["content_summary", "hint", "chat_offer"];

describe("Thompson sampling of the kind per course", () => {
  it("draws Beta variates with the right mean", () => {
    const rng = seededRng(7);
    let sum = 0;
    for (let i = 0; i < 4_000; i++) sum += sampleBeta(3, 7, rng);
    expect(sum / 4_000).toBeCloseTo(0.3, 1);
  });

  it("moves a course's choice towards the kind its learners rate helpful (fixed seed)", () => {
    // Simulated learners of one course, re-reading: a summary helps 80 % of them, a hint 30 %,
    // a chat offer 20 %. The rules would offer a hint first.
    const helpfulRate: Record<string, number> = { content_summary: 0.8, hint: 0.3, chat_offer: 0.2 };
    const rng = seededRng(20_261_201);
    const outcomes: CourseOutcomes = {};
    const chosen: InterventionKind[] = [];
    for (let round = 0; round < 300; round++) {
      const kind = chooseKind("rereading", KINDS, "hint", outcomes, rng) as InterventionKind;
      chosen.push(kind);
      const counts = outcomes.rereading?.[kind] ?? { helpful: 0, notHelpful: 0 };
      if (rng() < (helpfulRate[kind] ?? 0)) counts.helpful += 1;
      else counts.notHelpful += 1;
      outcomes.rereading = { ...outcomes.rereading, [kind]: counts };
    }
    const share = (from: number, to: number) =>
      chosen.slice(from, to).filter((k) => k === "content_summary").length / (to - from);
    expect(share(0, 30)).toBeLessThan(0.6);
    expect(share(200, 300)).toBeGreaterThan(0.85);
    expect(share(200, 300)).toBeGreaterThan(share(0, 30));
  });

  it("follows the rule's kind mostly when a course has no ratings yet, and only picks candidates", () => {
    const rng = seededRng(1);
    const picks = Array.from({ length: 400 }, () => chooseKind("rereading", KINDS, "content_summary", {}, rng));
    const summary = picks.filter((k) => k === "content_summary").length / picks.length;
    expect(summary).toBeGreaterThan(0.45);
    expect(new Set(picks)).toEqual(new Set(KINDS));
    expect(chooseKind("rereading", [], "hint", {}, rng)).toBeUndefined();
  });
});
