import { ARCHETYPES, type Archetype, type Trace } from "./format";
import type { ReplayResult } from "./replay";

export interface ArchetypeFigures {
  archetype: string;
  label: Trace["label"];
  traces: number;
  flagged: number;
  /** Median time from the trace's start to detection, for flagged traces. */
  medianDetectionMs: number | null;
}

export interface EvaluationReport {
  archetypes: ArchetypeFigures[];
  truePositives: number;
  falsePositives: number;
  falseNegatives: number;
  trueNegatives: number;
  precision: number;
  recall: number;
  falsePositiveRate: number;
}

const median = (xs: number[]) => {
  if (xs.length === 0) return null;
  const sorted = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? (sorted[mid] as number) : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
};

export function evaluate(results: { trace: Trace; result: ReplayResult }[]): EvaluationReport {
  const order = Object.keys(ARCHETYPES) as Archetype[];
  const names = [...new Set(results.map((r) => r.trace.archetype))].sort((a, b) => order.indexOf(a) - order.indexOf(b));
  const archetypes = names.map((archetype) => {
    const mine = results.filter((r) => r.trace.archetype === archetype);
    const flagged = mine.filter((r) => r.result.detected);
    return {
      archetype,
      label: ARCHETYPES[archetype],
      traces: mine.length,
      flagged: flagged.length,
      medianDetectionMs: median(flagged.map((r) => r.result.detectedAtMs ?? 0)),
    };
  });
  const count = (label: Trace["label"], detected: boolean) =>
    results.filter((r) => r.trace.label === label && r.result.detected === detected).length;
  const tp = count("struggling", true);
  const fn = count("struggling", false);
  const fp = count("not_struggling", true);
  const tn = count("not_struggling", false);
  return {
    archetypes,
    truePositives: tp,
    falsePositives: fp,
    falseNegatives: fn,
    trueNegatives: tn,
    precision: tp + fp === 0 ? 1 : tp / (tp + fp),
    recall: tp + fn === 0 ? 1 : tp / (tp + fn),
    falsePositiveRate: fp + tn === 0 ? 0 : fp / (fp + tn),
  };
}

export function formatReport(report: EvaluationReport): string {
  const lines = ["archetype             label           traces  flagged  rate   median time to detection"];
  for (const a of report.archetypes) {
    const rate = a.traces === 0 ? 0 : a.flagged / a.traces;
    const time = a.medianDetectionMs === null ? "-" : `${(a.medianDetectionMs / 1000).toFixed(0)} s`;
    lines.push(
      `${a.archetype.padEnd(22)}${a.label.padEnd(16)}${String(a.traces).padStart(6)}  ${String(a.flagged).padStart(7)}  ${rate.toFixed(2)}   ${a.label === "struggling" ? time : "-"}`,
    );
  }
  lines.push(
    `precision ${report.precision.toFixed(3)}  recall ${report.recall.toFixed(3)}  false-positive rate ${report.falsePositiveRate.toFixed(3)}  (TP ${report.truePositives}, FP ${report.falsePositives}, FN ${report.falseNegatives}, TN ${report.trueNegatives})`,
  );
  return lines.join("\n");
}
