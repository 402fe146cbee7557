// A scenario's profiled pass: after its measured run (which runs without the profiler, so the
// upper-bound column carries no profiling overhead), the same operations one at a time with
// V8's sampling profiler on in every Worker. Samples are cut at each operation's start, so each
// operation gets its own JS CPU per Worker (background work it caused, such as a waitUntil or an
// alarm that ran before the next operation, included): p50 and mean per Worker and summed.
// A scenario whose operations reach an outside double (chat's model) can also pass the times the
// double saw each request: the samples from an operation's start to that mark are what the
// operation cost before it was handed to the outside world, reported beside the whole figure.
// After such an operation the pass waits for its background work before starting the next, so
// that work is counted in its own operation's window and not in the next one's part before the mark.

import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { attribute, type BundleSources, type CpuProfile, type Origin, type WorkerProfilers } from "./profiler";

export const SAMPLING_INTERVAL_US = 100;

/** p50 and mean ms per operation. */
export interface PerOp {
  p50Ms: number;
  meanMs: number;
}

export interface WorkerFigures extends PerOp {
  worker: string;
  /** The same Worker's CPU from each operation's start to its mark, when the pass had marks. */
  beforeMark?: PerOp;
  byOriginMs: Record<Origin, number>;
  byPackageMs: [string, number][];
}

export interface ProfiledFigures {
  ops: number;
  workers: WorkerFigures[];
  /** Per operation, summed over the Workers it touched. */
  sumP50Ms: number;
  sumMeanMs: number;
  /** Heaviest self-time functions over the pass, per operation, "worker: function (source:line)". */
  topFunctions: { name: string; ms: number }[];
  /** Summed over Workers, from each operation's start to its mark; only the operations that had one. */
  beforeMark?: PerOp & { label: string; ops: number };
}

/** Times (µs of process.hrtime) at which the operations reached an outside double, and what that moment is called. */
export interface OperationMarks {
  label: string;
  timesUs: () => readonly number[];
}

/** A slice of one profile's timeline, [fromUs, toUs). */
interface Window {
  fromUs: number;
  toUs: number;
}

const nowUs = () => Number(process.hrtime.bigint() / 1000n);
/** Time for an operation's background work to run before the pass moves on. */
const settle = () => sleep(200);

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted.length ? sorted[Math.floor((sorted.length - 1) / 2)]! : Number.NaN;
}

/**
 * JS CPU (whole µs) in each of `windows` (sorted, not overlapping) from one profile; V8's clock is
 * CLOCK_MONOTONIC, as hrtime.
 */
function perWindow(profile: CpuProfile, windows: Window[]): number[] {
  const idle = new Set(profile.nodes.filter((n) => n.callFrame.functionName === "(idle)").map((n) => n.id));
  const totals = windows.map(() => 0);
  const samples = profile.samples ?? [];
  const deltas = profile.timeDeltas ?? [];
  let t = profile.startTime;
  let w = 0;
  for (let i = 0; i < samples.length && w < windows.length; i++) {
    t += deltas[i] ?? 0;
    while (w < windows.length && t >= windows[w]!.toUs) w++;
    if (w === windows.length || t < windows[w]!.fromUs || idle.has(samples[i]!)) continue;
    totals[w]! += Math.min(deltas[i + 1] ?? SAMPLING_INTERVAL_US, SAMPLING_INTERVAL_US);
  }
  return totals;
}

/** Each operation's window: from its start to the next one's (the last to `endUs`). */
const operationWindows = (starts: number[], endUs: number): Window[] =>
  starts.map((fromUs, i) => ({ fromUs, toUs: starts[i + 1] ?? endUs }));

/** From each operation's start to its first mark inside its own window; operations without one are left out. */
function markedWindows(operations: Window[], marks: readonly number[]): Window[] {
  const sorted = [...marks].sort((a, b) => a - b);
  return operations.flatMap(({ fromUs, toUs }) => {
    const mark = sorted.find((m) => m >= fromUs && m < toUs);
    return mark === undefined ? [] : [{ fromUs, toUs: mark }];
  });
}

/**
 * From whole µs per operation: summed in µs and divided once, because twenty 0.1 ms samples
 * summed in ms make 2.0000000000000004, which a target of 2 ms reads as over.
 */
const perOp = (valuesUs: number[]): PerOp => ({
  p50Ms: median(valuesUs) / 1000,
  meanMs: valuesUs.reduce((a, b) => a + b, 0) / valuesUs.length / 1000,
});

/**
 * `BENCH_PROFILE_DIR=<dir>` keeps each Worker's raw profile (`<worker>.cpuprofile`, loadable in
 * Chrome DevTools) for reading a row's whole call tree, not only the top self-time functions, and
 * `windows.json`, the operations' windows (and the parts before their marks) in µs on the same clock;
 * `npm run bench -- call-tree <dir> <worker>` prints that tree (standalone/call-tree.ts).
 */
function dumpProfiles(profiles: Map<string, CpuProfile>, windows: { operations: Window[]; marked: Window[] }): void {
  const dir = process.env.BENCH_PROFILE_DIR;
  if (!dir) return;
  mkdirSync(dir, { recursive: true });
  for (const [worker, profile] of profiles) writeFileSync(join(dir, `${worker}.cpuprofile`), JSON.stringify(profile));
  // Each operation's window and, where it had a mark, the part before it, on the profiles' clock.
  writeFileSync(join(dir, "windows.json"), JSON.stringify(windows));
}

export async function profiledPass(
  profilers: WorkerProfilers,
  sources: BundleSources,
  ops: number,
  send: (i: number) => Promise<unknown>,
  offset: number,
  marks?: OperationMarks,
  /** Work the operations leave to alarms due this long after them (Scenario.deferredMs). */
  deferredMs = 0,
): Promise<ProfiledFigures> {
  await profilers.start();
  const starts: number[] = [];
  for (let i = 0; i < ops; i++) {
    const start = nowUs();
    starts.push(start);
    await send(offset + i);
    // A turn's background work (its archive alarm, the metrics it sends) runs just after it
    // answers; started at once, the next turn would find it in its own part before the provider.
    const reached = marks?.timesUs().at(-1);
    if (reached !== undefined && reached >= start) await settle();
  }
  // Let the last operation's background work land in its own window, alarms due later included.
  await settle();
  if (deferredMs > 0) await sleep(deferredMs);
  const end = nowUs();
  const profiles = await profilers.stop();
  const windows = operationWindows(starts, end);
  const marked = marks ? markedWindows(windows, marks.timesUs()) : [];
  dumpProfiles(profiles, { operations: windows, marked });
  const workers: WorkerFigures[] = [];
  const top: { name: string; ms: number }[] = [];
  const sumPerOp = windows.map(() => 0);
  const sumBeforeMark = marked.map(() => 0);
  for (const [worker, profile] of profiles) {
    const whole = perWindow(profile, windows);
    whole.forEach((us, i) => {
      sumPerOp[i]! += us;
    });
    const beforeMark = perWindow(profile, marked);
    beforeMark.forEach((us, i) => {
      sumBeforeMark[i]! += us;
    });
    const attributed = attribute(worker, profile, sources, SAMPLING_INTERVAL_US);
    const short = worker.replace(/^atomic-guide-/, "");
    workers.push({
      worker: short,
      ...perOp(whole),
      ...(marked.length ? { beforeMark: perOp(beforeMark) } : {}),
      byOriginMs: {
        ours: attributed.byOrigin.ours / ops,
        dependencies: attributed.byOrigin.dependencies / ops,
        runtime: attributed.byOrigin.runtime / ops,
      },
      byPackageMs: [...attributed.byPackage]
        .map(([pkg, ms]): [string, number] => [pkg, ms / ops])
        .sort((a, b) => b[1] - a[1]),
    });
    for (const f of attributed.topFunctions) top.push({ name: `${short}: ${f.name}`, ms: f.ms / ops });
  }
  const sum = perOp(sumPerOp);
  return {
    ops,
    workers,
    sumP50Ms: sum.p50Ms,
    sumMeanMs: sum.meanMs,
    topFunctions: top.sort((a, b) => b.ms - a.ms).slice(0, 6),
    ...(marks && marked.length
      ? { beforeMark: { label: marks.label, ops: marked.length, ...perOp(sumBeforeMark) } }
      : {}),
  };
}
