// Runs the labelled scenario set through the detector and prints precision, recall and
// time-to-detection. docs/struggle-detection.md quotes this output.
// Usage (from services/struggle-detector): node scripts/run.mjs scripts/scenarios.ts [variantsPerArchetype]
import { DEFAULT_CONFIG } from "../src/detection/thresholds";
import { evaluate } from "../src/scenarios/evaluate";
import { scenarioSet } from "../src/scenarios/generate";

const variants = Number(process.argv[2] ?? 25);
const report = evaluate(scenarioSet(variants), DEFAULT_CONFIG);
const s = (ms: number | null) => (ms === null ? "n/a" : `${(ms / 1000).toFixed(1)} s`);
console.log(`scenarios: ${variants} variants x ${Object.keys(report.byArchetype).length} archetypes`);
console.log("archetype                  expected   detected");
for (const [name, r] of Object.entries(report.byArchetype)) {
  console.log(`${name.padEnd(27)}${(r.expected ? "struggling" : "fine").padEnd(11)}${r.detected}/${r.sessions}`);
}
console.log(
  `precision ${report.precision.toFixed(3)}  recall ${report.recall.toFixed(3)}  (TP ${report.truePositives}, FP ${report.falsePositives}, FN ${report.falseNegatives})`,
);
console.log(
  `time to detection from onset: median ${s(report.medianTimeToDetectionMs)}, p90 ${s(report.p90TimeToDetectionMs)}`,
);
