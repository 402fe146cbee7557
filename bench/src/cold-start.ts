// `npm run bench -- --cold`: each Worker's cold start. For every Worker, built both minified and
// not (wrangler, into a temporary directory), and for an empty module with the same bindings, a
// fresh workerd (its own Miniflare) is started N times; each time the bench records workerd's CPU
// to be ready (it parses, compiles and evaluates every Worker's modules at start-up), then sends
// the Worker its first request and a second one, each timed and profiled (V8's sampling profiler
// through the inspector: JS CPU of that request, lazy compilation of the code it runs included).
// The bundle's load cost is its workerd start-up CPU minus the empty module's, median of N.
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { isTimeout, withTimeout } from "@atomic-guide/shared/timeout";
import { convertV4MiniflareOptions, Miniflare } from "miniflare";
import { type ColdSubject, coldSubjects } from "./cold-subjects";
import { compileMsInNode } from "./compile-proxy";
import { SAMPLING_INTERVAL_US } from "./profiled-pass";
import { attribute, BundleSources, freePort, WorkerProfilers } from "./profiler";
import { dryRunBuildAsync } from "./wrangler-build";

export type Variant = "empty" | "minified" | "not minified";

export interface ColdFigures {
  /** workerd's CPU from spawn to ready, all threads (ms). */
  startupCpuMs: number;
  readyMs: number;
  firstMs: number;
  firstJsMs: number;
  warmMs: number;
  warmJsMs: number;
}

export interface ColdRow {
  label: string;
  variant: Variant;
  bundleKiB?: number;
  gzipKiB?: number;
  /** Median ms to compile the bundle in Node's V8 (src/compile-proxy.ts), a proxy for its parse cost. */
  compileMs?: number;
  /** Medians over the runs. */
  median: ColdFigures;
  runs: number;
}

export interface ColdStartResult {
  rows: ColdRow[];
  runs: number;
  buildSeconds: number;
  seconds: number;
  /** The first request each Worker got. */
  probePath: string;
}

const PROBE_PATH = "/__bench_cold_start";
/**
 * A fresh workerd that has not said it is ready by then never will: now and then one starts and
 * sleeps without reporting its ports (seen once in ~60 starts). It is killed and the measurement
 * is taken again, so one stuck start-up cannot hang the whole bench.
 */
const READY_DEADLINE_MS = 60_000;
const ATTEMPTS = 3;
/** Compiles per bundle in the Node proxy: cheap (tens of ms each), so many. */
export const COMPILE_REPS = 21;

/** CPU time of a process, all threads, in ms, from /proc/<pid>/task/<tid>/schedstat (ns resolution). */
function processCpuPreciseMs(pid: number): number {
  let ns = 0;
  for (const tid of readdirSync(`/proc/${pid}/task`)) {
    try {
      ns += Number(readFileSync(`/proc/${pid}/task/${tid}/schedstat`, "utf8").split(" ")[0]);
    } catch {
      // The thread ended while we read.
    }
  }
  return ns / 1e6;
}

/** The newest workerd child of this process (an earlier one may still be exiting). */
function newestWorkerdPid(): number {
  let best: { pid: number; start: number } | undefined;
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, "utf8");
      const comm = stat.slice(stat.indexOf("(") + 1, stat.lastIndexOf(")"));
      const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      if (!comm.startsWith("workerd") || Number(fields[1]) !== process.pid) continue;
      const start = Number(fields[19]);
      if (!best || start > best.start) best = { pid: Number(entry), start };
    } catch {
      // The process ended while we looked.
    }
  }
  if (!best) throw new Error("no workerd child process found");
  return best.pid;
}

/** Kills this process's newest workerd, if there is one. */
function killWorkerd(): void {
  try {
    process.kill(newestWorkerdPid(), "SIGKILL");
  } catch {
    // Already gone.
  }
}

/** `measureOnce`, taken again (up to ATTEMPTS) when the fresh workerd never became ready. */
async function measure(subject: ColdSubject, script: string | undefined, log: (m: string) => void) {
  for (let attempt = 1; ; attempt++) {
    try {
      return await measureOnce(subject, script);
    } catch (e) {
      if (!isTimeout(e) || attempt >= ATTEMPTS) throw e;
      log(
        `${subject.label}: a fresh workerd was not ready after ${READY_DEADLINE_MS / 1000} s; killed, measuring again`,
      );
    }
  }
}

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor((sorted.length - 1) / 2)] ?? Number.NaN;
};

async function timedRequest(profilers: WorkerProfilers, worker: string, url: URL) {
  await profilers.start();
  const t0 = performance.now();
  const res = await fetch(url);
  await res.arrayBuffer();
  const ms = performance.now() - t0;
  const profile = (await profilers.stop()).get(worker);
  if (res.status >= 500) throw new Error(`${worker} answered ${res.status} to its first request`);
  const js = profile ? attribute(worker, profile, new BundleSources(new Map()), SAMPLING_INTERVAL_US).totalMs : NaN;
  return { ms, js };
}

async function measureOnce(subject: ColdSubject, script: string | undefined): Promise<ColdFigures> {
  const inspectorPort = await freePort();
  const t0 = performance.now();
  const mf = new Miniflare(convertV4MiniflareOptions({ workers: subject.workers(script), inspectorPort } as never));
  let hung = false;
  try {
    await withTimeout(mf.ready, READY_DEADLINE_MS).catch((e: unknown) => {
      // dispose() waits for the process to exit, which a stuck one does not do on its own.
      hung = isTimeout(e);
      if (hung) killWorkerd();
      throw e;
    });
    const readyMs = performance.now() - t0;
    const startupCpuMs = processCpuPreciseMs(newestWorkerdPid());
    const url = new URL(PROBE_PATH, await mf.unsafeGetDirectURL(subject.worker));
    const profilers = await WorkerProfilers.connect(inspectorPort, [subject.worker], SAMPLING_INTERVAL_US);
    try {
      const first = await timedRequest(profilers, subject.worker, url);
      const warm = await timedRequest(profilers, subject.worker, url);
      return { startupCpuMs, readyMs, firstMs: first.ms, firstJsMs: first.js, warmMs: warm.ms, warmJsMs: warm.js };
    } finally {
      profilers.close();
    }
  } finally {
    // A killed workerd's Miniflare may fail to shut down cleanly; the time-out is what matters then.
    await mf.dispose().catch((e: unknown) => {
      if (!hung) throw e;
    });
  }
}

const VARIANTS: Variant[] = ["empty", "minified", "not minified"];

/** `shipped`: bundles already built as the Workers ship (each service's dist), by Worker name. */
export async function runColdStart(
  runs: number,
  shipped: Map<string, string>,
  log: (message: string) => void,
): Promise<ColdStartResult> {
  const started = performance.now();
  const subjects = coldSubjects();
  const dir = mkdtempSync(join(tmpdir(), "bench-cold-"));
  try {
    // The shipped builds are reused; the other way of each Worker is built (wrangler, in parallel).
    const builds = new Map<string, string>();
    for (const s of subjects) {
      const script = shipped.get(s.worker);
      if (script) builds.set(`${s.worker}:${s.shipsMinified}`, script);
    }
    const missing = subjects.flatMap((s) => [true, false].map((minify) => ({ s, minify })));
    const toBuild = missing.filter(({ s, minify }) => !builds.has(`${s.worker}:${minify}`));
    log(`building ${toBuild.length} bundles (wrangler, in parallel)`);
    await Promise.all(
      toBuild.map(async ({ s, minify }) => {
        const out = join(dir, `${s.worker}-${minify ? "min" : "full"}`);
        builds.set(`${s.worker}:${minify}`, (await dryRunBuildAsync(s.dir, out, minify)).script);
      }),
    );
    const compileMs = compileMsInNode([...builds.values()], COMPILE_REPS);
    const buildSeconds = (performance.now() - started) / 1000;
    const scriptOf = (s: ColdSubject, v: Variant) =>
      v === "empty" ? undefined : builds.get(`${s.worker}:${v === "minified"}`);
    const samples = new Map<string, ColdFigures[]>();
    for (let run = 0; run < runs; run++) {
      for (const s of subjects) {
        // The order of the variants turns every run, so a drift in the machine's load falls on each alike.
        const order = VARIANTS.map((_, i) => VARIANTS[(i + run) % VARIANTS.length]!);
        for (const v of order) {
          const figures = await measure(s, scriptOf(s, v), log);
          const key = `${s.label}:${v}`;
          samples.set(key, [...(samples.get(key) ?? []), figures]);
        }
      }
      log(`run ${run + 1}/${runs} done`);
    }
    const rows: ColdRow[] = subjects.flatMap((s) =>
      VARIANTS.map((variant): ColdRow => {
        const list = samples.get(`${s.label}:${variant}`) ?? [];
        const pick = (k: keyof ColdFigures) => median(list.map((f) => f[k]));
        const script = scriptOf(s, variant);
        const raw = script ? readFileSync(script) : undefined;
        return {
          label: s.label,
          variant,
          ...(raw
            ? {
                bundleKiB: statSync(script!).size / 1024,
                gzipKiB: gzipSync(raw).length / 1024,
                compileMs: compileMs.get(script!),
              }
            : {}),
          median: {
            startupCpuMs: pick("startupCpuMs"),
            readyMs: pick("readyMs"),
            firstMs: pick("firstMs"),
            firstJsMs: pick("firstJsMs"),
            warmMs: pick("warmMs"),
            warmJsMs: pick("warmJsMs"),
          },
          runs: list.length,
        };
      }),
    );
    for (const r of rows) {
      const m = r.median;
      log(
        `${r.label} (${r.variant}): start-up CPU ${m.startupCpuMs.toFixed(1)} ms, compile (Node) ${r.compileMs?.toFixed(1) ?? "–"} ms, first response ${m.firstMs.toFixed(1)} ms (JS ${m.firstJsMs.toFixed(2)} ms), second ${m.warmMs.toFixed(1)} ms`,
      );
    }
    return { rows, runs, buildSeconds, seconds: (performance.now() - started) / 1000, probePath: PROBE_PATH };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
