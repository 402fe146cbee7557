// Issue 14's measure: traces of the eight archetypes (bench/traces/generator, built the way the
// web client sends signals; browser recordings in bench/traces/browser when present) replayed
// through the gateway, one freshly launched learner each, exactly as `npm run replay` does.
import { existsSync } from "node:fs";
import { join } from "node:path";
import { type RunningSystem, startSystem } from "@atomic-guide/testing/system";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadTraces } from "../../../bench/traces/lib/format";
import { replayThroughGateway } from "../../../bench/traces/lib/run-traces";
import { type EvaluationReport, evaluate, formatReport } from "../../../bench/traces/lib/score";
import { stopSystem } from "../../support/flows";

const traceDirs = ["generator", "browser"]
  .map((d) => join(import.meta.dirname, "..", "..", "..", "bench", "traces", d))
  .filter((d) => existsSync(d));

describe("detection measured on recorded sessions, through the gateway", () => {
  let system: RunningSystem;
  let report: EvaluationReport;

  beforeAll(async () => {
    system = await startSystem();
    const results = await replayThroughGateway(system, loadTraces(traceDirs), { runId: "eval" });
    report = evaluate(results);
    console.log(formatReport(report));
  }, 600_000);
  afterAll(() => stopSystem(system));

  it("replays all eight archetypes", () => {
    expect(report.archetypes.map((a) => a.archetype).sort()).toEqual(
      [
        "fast_expert",
        "productive_struggle",
        "rapid_guessing",
        "rereading",
        "steady_reader",
        "stuck_on_question",
        "video_watcher",
        "wheel_spinning",
      ].sort(),
    );
  });

  it("has precision and recall of at least 0.9", () => {
    expect(report.precision).toBeGreaterThanOrEqual(0.9);
    expect(report.recall).toBeGreaterThanOrEqual(0.9);
  });

  it("flags no slow but succeeding learner", () => {
    expect(report.archetypes.find((a) => a.archetype === "productive_struggle")?.flagged).toBe(0);
  });
});
