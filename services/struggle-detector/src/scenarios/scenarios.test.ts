import { describe, expect, it } from "vitest";
import { DEFAULT_CONFIG } from "../detection/thresholds";
import { evaluate } from "./evaluate";
import { scenarioSet } from "./generate";

describe("labelled scenarios", () => {
  const report = evaluate(scenarioSet(25), DEFAULT_CONFIG);

  it("flags the stuck archetypes and leaves the others alone", () => {
    for (const [archetype, r] of Object.entries(report.byArchetype)) {
      const rate = r.detected / r.sessions;
      if (r.expected) expect(rate, archetype).toBeGreaterThanOrEqual(0.8);
      else expect(rate, archetype).toBeLessThanOrEqual(0.1);
    }
  });

  it("keeps precision and recall high overall", () => {
    expect(report.precision).toBeGreaterThanOrEqual(0.95);
    expect(report.recall).toBeGreaterThanOrEqual(0.9);
  });

  it("is deterministic for the same seed", () => {
    expect(evaluate(scenarioSet(25), DEFAULT_CONFIG)).toEqual(report);
  });
});
