// The profiled passes run on a system of their own: the same four Workers with each service's
// Durable Objects in a second workerd process (startSystem's `objectsApart: "process"`), as
// Cloudflare runs an object on its own machine. workerd starts an object (opens its SQLite file) on
// the thread that calls it; in one process that start lands in the calling Worker's profile, which
// Cloudflare would not charge it. The measured runs keep one process: between two processes every
// object call crosses a proxy isolate and loopback TCP, CPU that Cloudflare's network spends and
// that would inflate the upper bound. So each scenario is set up again here, warmed up the same way,
// and profiled.

import { join } from "node:path";
import { objectsWorkerOf, type RunningSystem, type SystemOptions, startSystem } from "@atomic-guide/testing/system";
import { SERVICE_NAMES } from "@atomic-guide/testing/vitest-workers";
import { closePlatforms } from "../../tests/support/flows";
import { FLOOR_WORKERS } from "./floors";
import { findWorkerd, runLoad } from "./load";
import { type OperationMarks, type ProfiledFigures, profiledPass, SAMPLING_INTERVAL_US } from "./profiled-pass";
import { BundleSources, freePort, WorkerProfilers } from "./profiler";
import type { ProviderDouble } from "./provider-double";
import { prepareScenario, scenarioContext } from "./scenario-setup";
import type { Scenario } from "./scenarios";

/** Each service's Worker and the Worker its Durable Objects run in, both from the service's bundle. */
export function profiledWorkers(root: string): { worker: string; bundle: string }[] {
  return SERVICE_NAMES.flatMap((s) => {
    const bundle = join(root, "services", s, "dist", "index.js");
    return [`atomic-guide-${s}`, objectsWorkerOf(`atomic-guide-${s}`)].map((worker) => ({ worker, bundle }));
  });
}

/** One scenario to profile: sized and warmed up as its measured run was. */
export interface ProfileJob {
  scenario: Scenario;
  concurrency: number;
  warmup: number;
  ops: number;
}

export interface ProfiledSystemOptions {
  root: string;
  tenant: string;
  withoutAssets: boolean;
  bindings: SystemOptions["bindings"];
  provider: ProviderDouble;
  marks: OperationMarks;
  log: (message: string) => void;
}

/** Prints a profiled pass's per-Worker p50s, and the part before its mark where it has one. */
export function logProfile(profile: ProfiledFigures, log: (message: string) => void): void {
  const ran = profile.workers.filter((w) => w.meanMs >= 0.005);
  log(
    `JS CPU per op (profiler, p50): ${ran.map((w) => `${w.worker} ${w.p50Ms.toFixed(2)}`).join(", ")}; sum ${profile.sumP50Ms.toFixed(2)} ms`,
  );
  const before = profile.beforeMark;
  if (before) {
    log(
      `${before.label} (${before.ops} of ${profile.ops} ops, p50): ${ran.map((w) => `${w.worker} ${(w.beforeMark?.p50Ms ?? 0).toFixed(2)}`).join(", ")}; sum ${before.p50Ms.toFixed(2)} ms`,
    );
  }
}

/** Starts the two-process system, profiles each job in order, and stops it; figures by scenario name. */
export async function profileOnTwoProcesses(
  jobs: ProfileJob[],
  options: ProfiledSystemOptions,
): Promise<Map<string, ProfiledFigures>> {
  const profiles = new Map<string, ProfiledFigures>();
  if (jobs.length === 0) return profiles;
  const inspectorPort = await freePort();
  const objectsInspectorPort = await freePort();
  const system: RunningSystem = await startSystem({
    directSockets: true,
    objectsApart: "process",
    withoutAssets: options.withoutAssets,
    inspectorPort,
    objectsInspectorPort,
    // The floors too: a scenario's setup is handed their URLs, whichever system it runs on.
    extraWorkers: FLOOR_WORKERS,
    ...(options.bindings ? { bindings: options.bindings } : {}),
  });
  const workers = profiledWorkers(options.root);
  const profilers = await WorkerProfilers.connect(
    (w) => (w.endsWith("-objects") ? objectsInspectorPort : inspectorPort),
    workers.map((w) => w.worker),
    SAMPLING_INTERVAL_US,
  );
  const sources = new BundleSources(new Map(workers.map((w) => [w.worker, w.bundle])));
  try {
    const workerd = findWorkerd();
    const context = await scenarioContext(system, options.tenant, options.provider);
    for (const job of jobs) {
      const { scenario } = job;
      const prepared = await prepareScenario(scenario, context, { requests: job.ops, warmup: job.warmup });
      if ("skip" in prepared) {
        options.log(`${scenario.name}: not profiled (${prepared.skip})`);
        continue;
      }
      options.log(`${scenario.name}: ${job.warmup} warm-up, then ${job.ops} profiled one at a time`);
      try {
        // The same warm-up as the measured run, and its deferred work let run before the pass.
        if (job.warmup > 0) {
          await runLoad(
            { requests: job.warmup, concurrency: job.concurrency, send: prepared.send, tailMs: scenario.deferredMs },
            workerd,
          );
        }
        const profile = await profiledPass(
          profilers,
          sources,
          job.ops,
          prepared.send,
          job.warmup,
          options.marks,
          scenario.deferredMs,
        );
        profiles.set(scenario.name, profile);
        logProfile(profile, (m) => options.log(`  ${m}`));
      } finally {
        await prepared.teardown?.();
      }
    }
  } finally {
    profilers.close();
    await closePlatforms(system);
    await system.dispose();
  }
  return profiles;
}
