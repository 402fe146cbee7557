// Our launch against the peer's (the reference tool on @atomicjolt/lti-endpoints), side by side
// in one workerd with the same simulated LMS: 1 and 8 launches in flight, in alternating rounds
// (ours then the peer's, the order flipped every round) so load from other processes on the
// machine falls on both alike. Then each side's profiled pass: V8's sampling profiler on every
// Worker the launch touches (our four; the peer's one), launches one at a time.
import { type LoadResult, percentile, runLoad, type Workerd } from "./load";
import { type ProfiledFigures, profiledPass } from "./profiled-pass";
import type { BundleSources, WorkerProfilers } from "./profiler";

/** "peer-direct": the peer's launch reduced to our two requests (the platform posts straight to /lti/launch). */
export type Side = "ours" | "peer" | "peer-direct";
const SIDES: Side[] = ["ours", "peer", "peer-direct"];
/** Which sides run at which number in flight: the reduced peer only where the issue compares it. */
const ARMS: { side: Side; concurrency: (typeof CONCURRENCIES)[number] }[] = [
  { side: "ours", concurrency: 1 },
  { side: "peer", concurrency: 1 },
  { side: "ours", concurrency: 8 },
  { side: "peer", concurrency: 8 },
  { side: "peer-direct", concurrency: 8 },
];

export interface ComparisonArm {
  side: Side;
  concurrency: number;
  result: LoadResult;
}

export interface LaunchComparison {
  rounds: number;
  arms: ComparisonArm[];
  profiles: Partial<Record<Side, ProfiledFigures>>;
  seconds: number;
}

export interface SideSpec {
  send: (i: number) => Promise<boolean>;
  profilers?: WorkerProfilers;
  sources?: BundleSources;
}

export const COMPARISON_NAME = "launch: ours vs peer";
const CONCURRENCIES = [1, 8] as const;

interface Tally {
  latencies: number[];
  errors: number;
  seconds: number;
  cpuMs: number;
  requests: number;
}

export async function runLaunchComparison(
  sides: Record<Side, SideSpec>,
  workerd: Workerd,
  plan: {
    rounds: number;
    opsPerRound: Record<(typeof CONCURRENCIES)[number], number>;
    warmup: number;
    profileOps: number;
  },
  log: (message: string) => void,
): Promise<LaunchComparison> {
  const started = performance.now();
  // Launch indices never repeat across arms (each launch is a new learner on our side).
  let next = 0;
  const take = (n: number) => {
    const offset = next;
    next += n;
    return offset;
  };
  const tallies = new Map<string, Tally>();
  const key = (side: Side, c: number) => `${side}@${c}`;
  for (const side of SIDES) {
    const warm = await runLoad(
      { requests: plan.warmup, concurrency: 8, send: sides[side].send, offset: take(plan.warmup) },
      workerd,
    );
    if (warm.errors > 0) log(`${side} warm-up: ${warm.errors} of ${plan.warmup} failed (not counted)`);
  }
  for (let round = 0; round < plan.rounds; round++) {
    // Ours first in even rounds, last in odd ones.
    const order = round % 2 === 0 ? ARMS : [...ARMS].reverse();
    for (const concurrency of CONCURRENCIES) {
      for (const { side } of order.filter((a) => a.concurrency === concurrency)) {
        const requests = plan.opsPerRound[concurrency];
        const latencies: number[] = [];
        const timed = async (i: number) => {
          const t0 = performance.now();
          const ok = await sides[side].send(i).catch(() => false);
          latencies.push(performance.now() - t0);
          return ok;
        };
        const r = await runLoad({ requests, concurrency, send: timed, offset: take(requests) }, workerd);
        const t = tallies.get(key(side, concurrency)) ?? {
          latencies: [],
          errors: 0,
          seconds: 0,
          cpuMs: 0,
          requests: 0,
        };
        t.latencies.push(...latencies);
        t.errors += r.errors;
        t.seconds += r.seconds;
        t.cpuMs += r.cpuMsPerRequest * requests;
        t.requests += requests;
        tallies.set(key(side, concurrency), t);
      }
    }
    log(`round ${round + 1}/${plan.rounds} done`);
  }
  const arms: ComparisonArm[] = [];
  for (const concurrency of CONCURRENCIES) {
    for (const { side } of ARMS.filter((a) => a.concurrency === concurrency)) {
      const t = tallies.get(key(side, concurrency))!;
      const sorted = [...t.latencies].sort((a, b) => a - b);
      arms.push({
        side,
        concurrency,
        result: {
          requests: t.requests,
          errors: t.errors,
          seconds: t.seconds,
          rps: t.requests / t.seconds,
          p50: percentile(sorted, 50),
          p95: percentile(sorted, 95),
          p99: percentile(sorted, 99),
          cpuMsPerRequest: t.cpuMs / t.requests,
        },
      });
    }
  }
  const profiles: Partial<Record<Side, ProfiledFigures>> = {};
  for (const side of ["ours", "peer"] as const) {
    // The reduced peer runs the same Worker; its profile would repeat the peer's minus one request.
    const { profilers, sources, send } = sides[side];
    if (!profilers || !sources || plan.profileOps === 0) continue;
    profiles[side] = await profiledPass(profilers, sources, plan.profileOps, send, take(plan.profileOps));
  }
  return { rounds: plan.rounds, arms, profiles, seconds: (performance.now() - started) / 1000 };
}
