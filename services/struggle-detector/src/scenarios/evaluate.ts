import { initialState, step } from "../detection/detector";
import type { DetectorConfig } from "../detection/thresholds";
import { ARCHETYPES, type Archetype, SCENARIO_START_MS, type Scenario } from "./generate";

export interface ScenarioOutcome {
  scenario: Scenario;
  detected: boolean;
  /** ms from onset to the first "struggling", for detected positives. */
  timeToDetectionMs?: number;
  maxScore: number;
}

export function runScenario(scenario: Scenario, config: DetectorConfig): ScenarioOutcome {
  const state = initialState();
  let firstStruggling: number | undefined;
  let maxScore = 0;
  for (const s of scenario.signals) {
    step(state, s, config);
    maxScore = Math.max(maxScore, state.score);
    if (state.level === "struggling" && firstStruggling === undefined) firstStruggling = s.atMs - SCENARIO_START_MS;
  }
  const detected = firstStruggling !== undefined;
  return {
    scenario,
    detected,
    maxScore,
    ...(detected && scenario.onsetMs !== undefined
      ? { timeToDetectionMs: (firstStruggling as number) - scenario.onsetMs }
      : {}),
  };
}

export interface Report {
  precision: number;
  recall: number;
  truePositives: number;
  falsePositives: number;
  falseNegatives: number;
  medianTimeToDetectionMs: number | null;
  p90TimeToDetectionMs: number | null;
  byArchetype: Record<Archetype, { sessions: number; detected: number; expected: boolean }>;
}

export function evaluate(scenarios: Scenario[], config: DetectorConfig): Report {
  const outcomes = scenarios.map((s) => runScenario(s, config));
  const tp = outcomes.filter((o) => o.detected && o.scenario.struggling).length;
  const fp = outcomes.filter((o) => o.detected && !o.scenario.struggling).length;
  const fn = outcomes.filter((o) => !o.detected && o.scenario.struggling).length;
  const ttd = outcomes
    .flatMap((o) => (o.timeToDetectionMs === undefined ? [] : [o.timeToDetectionMs]))
    .sort((a, b) => a - b);
  const pct = (p: number) =>
    ttd.length === 0 ? null : (ttd[Math.min(ttd.length - 1, Math.floor(p * ttd.length))] as number);
  const byArchetype = Object.fromEntries(
    ARCHETYPES.map((a) => {
      const of = outcomes.filter((o) => o.scenario.archetype === a);
      return [
        a,
        {
          sessions: of.length,
          detected: of.filter((o) => o.detected).length,
          expected: of[0]?.scenario.struggling ?? false,
        },
      ];
    }),
  ) as Report["byArchetype"];
  return {
    precision: tp + fp === 0 ? 1 : tp / (tp + fp),
    recall: tp + fn === 0 ? 1 : tp / (tp + fn),
    truePositives: tp,
    falsePositives: fp,
    falseNegatives: fn,
    medianTimeToDetectionMs: pct(0.5),
    p90TimeToDetectionMs: pct(0.9),
    byArchetype,
  };
}
