// A closed-loop load generator: `concurrency` clients each send requests back to back until
// `requests` have completed. Latency is measured per request on the client.

import { readdirSync, readFileSync } from "node:fs";
import { setTimeout as sleep } from "node:timers/promises";

export interface LoadResult {
  requests: number;
  errors: number;
  seconds: number;
  rps: number;
  p50: number;
  p95: number;
  p99: number;
  /** workerd CPU (user+system) per request, in ms: an upper bound, it includes the runtime's own work. */
  cpuMsPerRequest: number;
  /**
   * With a tail: the CPU within the operations' own window alone, per operation, leaving out the
   * work they deferred (how the bench counted before rows declared a tail).
   */
  cpuMsPerRequestInWindow?: number;
}

export interface LoadSpec {
  requests: number;
  concurrency: number;
  /**
   * Sends one request; resolves true when the answer is the expected one, or with its own
   * figure when the latency that matters is not the whole call (time to first token).
   */
  send: (i: number) => Promise<boolean | { ok: boolean; ms: number }>;
  /** Index of the first operation (the measured run continues after the warm-up's). */
  offset?: number;
  /**
   * How long after the last operation the CPU is still counted: work the operations left to
   * alarms due that late is theirs (throughput and latency are the operations' alone). The
   * process's idle background over that time (timers, metrics flushes), measured just after it,
   * is taken back out.
   */
  tailMs?: number;
}

/** How long the idle rate is measured after a tail, to take it back out of the tail. */
const IDLE_PROBE_MS = 2_000;

const CLOCK_TICKS = 100; // USER_HZ on Linux

/** The system's workerd processes: one, or two when its Durable Objects run in their own. */
export type Workerd = readonly number[];

/** utime + stime of the system's workerd processes and their threads, summed, in ms. */
export function processCpuMs(workerd: Workerd): number {
  let ms = 0;
  for (const pid of workerd) {
    const fields = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]!.split(" ");
    // After "pid (comm) ", field 3 is state; utime and stime are fields 14 and 15 overall.
    ms += ((Number(fields[11]) + Number(fields[12])) * 1000) / CLOCK_TICKS;
  }
  return ms;
}

export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const i = Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1);
  return sorted[Math.max(0, i)]!;
}

export async function runLoad(spec: LoadSpec, workerd: Workerd): Promise<LoadResult> {
  const latencies: number[] = [];
  let errors = 0;
  let next = 0;
  const cpuBefore = processCpuMs(workerd);
  const started = performance.now();
  const client = async () => {
    for (;;) {
      const i = next++;
      if (i >= spec.requests) return;
      const t0 = performance.now();
      let ok = false;
      let ms: number | undefined;
      try {
        const answer = await spec.send(i + (spec.offset ?? 0));
        if (typeof answer === "boolean") ok = answer;
        else ({ ok, ms } = answer);
      } catch {
        ok = false;
      }
      const latency = ms ?? performance.now() - t0;
      // A failed send may have no figure of its own (no first token); it counts as an error only.
      if (Number.isFinite(latency)) latencies.push(latency);
      if (!ok) errors++;
    }
  };
  await Promise.all(Array.from({ length: spec.concurrency }, client));
  const seconds = (performance.now() - started) / 1000;
  const inWindow = processCpuMs(workerd) - cpuBefore;
  let cpu = inWindow;
  if (spec.tailMs) {
    await sleep(spec.tailMs);
    const afterTail = processCpuMs(workerd);
    await sleep(IDLE_PROBE_MS);
    const idlePerMs = (processCpuMs(workerd) - afterTail) / IDLE_PROBE_MS;
    cpu = Math.max(cpu, afterTail - cpuBefore - idlePerMs * spec.tailMs);
  }
  latencies.sort((a, b) => a - b);
  return {
    requests: spec.requests,
    errors,
    seconds,
    rps: spec.requests / seconds,
    p50: percentile(latencies, 50),
    p95: percentile(latencies, 95),
    p99: percentile(latencies, 99),
    cpuMsPerRequest: cpu / spec.requests,
    ...(spec.tailMs ? { cpuMsPerRequestInWindow: inWindow / spec.requests } : {}),
  };
}

/**
 * The system's resident memory now and at its peak, in MiB, from /proc/<pid>/status, summed over
 * its processes (a sum of each one's peak: an upper bound on their peak together).
 */
export function processMemoryMiB(workerd: Workerd): { rss: number; peak: number } {
  let rss = 0;
  let peak = 0;
  for (const pid of workerd) {
    const status = readFileSync(`/proc/${pid}/status`, "utf8");
    const kib = (field: string) => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, "m").exec(status)?.[1] ?? Number.NaN);
    rss += kib("VmRSS") / 1024;
    peak += kib("VmHWM") / 1024;
  }
  return { rss, peak };
}

/** The workerd processes Miniflare started so far: children of this Node process. */
export function findWorkerd(parent = process.pid): Workerd {
  const found: number[] = [];
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, "utf8");
      const comm = stat.slice(stat.indexOf("(") + 1, stat.lastIndexOf(")"));
      const ppid = Number(stat.split(") ")[1]!.split(" ")[1]);
      if (comm.startsWith("workerd") && ppid === parent) found.push(Number(entry));
    } catch {
      // The process ended while we looked.
    }
  }
  if (found.length === 0) throw new Error("no workerd child process found");
  return found;
}
