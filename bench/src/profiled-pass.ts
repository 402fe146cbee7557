// A scenario's profiled pass: after its measured run (which runs without the profiler, so the
// upper-bound column carries no profiling overhead), the same operations one at a time with
// V8's sampling profiler on in every Worker. Samples are cut at each operation's start, so each
// operation gets its own JS CPU per Worker (background work it caused, such as a waitUntil or an
// alarm that ran before the next operation, included): p50 and mean per Worker and summed.
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { attribute, type BundleSources, type CpuProfile, type Origin, type WorkerProfilers } from "./profiler";

export const SAMPLING_INTERVAL_US = 100;

export interface WorkerFigures {
  worker: string;
  p50Ms: number;
  meanMs: number;
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
}

const nowUs = () => Number(process.hrtime.bigint() / 1000n);

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted.length ? sorted[Math.floor((sorted.length - 1) / 2)]! : Number.NaN;
}

/** JS CPU (ms) of each window [starts[i], starts[i+1]) from one profile; V8's clock is CLOCK_MONOTONIC, as hrtime. */
function perWindow(profile: CpuProfile, starts: number[], endUs: number): number[] {
  const idle = new Set(profile.nodes.filter((n) => n.callFrame.functionName === "(idle)").map((n) => n.id));
  const totals = starts.map(() => 0);
  const samples = profile.samples ?? [];
  const deltas = profile.timeDeltas ?? [];
  let t = profile.startTime;
  let w = 0;
  for (let i = 0; i < samples.length; i++) {
    t += deltas[i] ?? 0;
    if (idle.has(samples[i]!) || t < starts[0]! || t >= endUs) continue;
    while (w + 1 < starts.length && t >= starts[w + 1]!) w++;
    totals[w]! += Math.min(deltas[i + 1] ?? SAMPLING_INTERVAL_US, SAMPLING_INTERVAL_US) / 1000;
  }
  return totals;
}

/**
 * `BENCH_PROFILE_DIR=<dir>` keeps each Worker's raw profile (`<worker>.cpuprofile`, loadable in
 * Chrome DevTools) for reading a row's whole call tree, not only the top self-time functions.
 */
function dumpProfiles(profiles: Map<string, CpuProfile>): void {
  const dir = process.env.BENCH_PROFILE_DIR;
  if (!dir) return;
  mkdirSync(dir, { recursive: true });
  for (const [worker, profile] of profiles) writeFileSync(join(dir, `${worker}.cpuprofile`), JSON.stringify(profile));
}

export async function profiledPass(
  profilers: WorkerProfilers,
  sources: BundleSources,
  ops: number,
  send: (i: number) => Promise<unknown>,
  offset: number,
): Promise<ProfiledFigures> {
  await profilers.start();
  const starts: number[] = [];
  for (let i = 0; i < ops; i++) {
    starts.push(nowUs());
    await send(offset + i);
  }
  // Let the last operation's background work land in its own window.
  await new Promise((resolve) => setTimeout(resolve, 200));
  const end = nowUs();
  const profiles = await profilers.stop();
  dumpProfiles(profiles);
  const workers: WorkerFigures[] = [];
  const top: { name: string; ms: number }[] = [];
  const sumPerOp = starts.map(() => 0);
  for (const [worker, profile] of profiles) {
    const perOp = perWindow(profile, starts, end);
    perOp.forEach((ms, i) => {
      sumPerOp[i]! += ms;
    });
    const whole = attribute(worker, profile, sources, SAMPLING_INTERVAL_US);
    const short = worker.replace(/^atomic-guide-/, "");
    workers.push({
      worker: short,
      p50Ms: median(perOp),
      meanMs: perOp.reduce((a, b) => a + b, 0) / ops,
      byOriginMs: {
        ours: whole.byOrigin.ours / ops,
        dependencies: whole.byOrigin.dependencies / ops,
        runtime: whole.byOrigin.runtime / ops,
      },
      byPackageMs: [...whole.byPackage]
        .map(([pkg, ms]): [string, number] => [pkg, ms / ops])
        .sort((a, b) => b[1] - a[1]),
    });
    for (const f of whole.topFunctions) top.push({ name: `${short}: ${f.name}`, ms: f.ms / ops });
  }
  return {
    ops,
    workers,
    sumP50Ms: median(sumPerOp),
    sumMeanMs: sumPerOp.reduce((a, b) => a + b, 0) / ops,
    topFunctions: top.sort((a, b) => b.ms - a.ms).slice(0, 6),
  };
}
