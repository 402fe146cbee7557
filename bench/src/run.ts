// `npm run bench`: boots the four Workers and a hello-world floor Worker in ONE workerd
// (Miniflare, built bundles, real D1/KV/DO/R2), drives each scenario over loopback HTTP and
// WebSockets, profiles each again on a second system whose Durable Objects run in a workerd of
// their own (src/profiled-system.ts), and writes docs/benchmarks.md from the figures. Ratios are to the
// floor of the same run. Flags: --quick (a tenth of the requests), --no-build, --load (the
// sustained section: conversations and sockets held for a minute), --only=<text> (only the scenarios whose name contains it),
// --no-cold (leaves out each Worker's cold start, src/cold-start.ts; a run with --only leaves it out
// unless --cold is given). The reference tool's launch (bench/peer) runs
// beside ours in the same workerd (src/peer-row.ts) unless --only leaves out "launch: ours vs peer".
// --disk keeps storage files on disk (src/storage-dir.ts), --with-assets the gateway's assets layer (src/assets-layer.ts).

import { writeFileSync } from "node:fs";
import { cpus, loadavg, totalmem } from "node:os";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { startSystem } from "@atomic-guide/testing/system";
import { SERVICE_NAMES } from "@atomic-guide/testing/vitest-workers";
import { closePlatforms } from "../../tests/support/flows";
import { chooseAssetsLayer } from "./assets-layer";
import { baselineSection } from "./baseline-report";
import { bundleSizes, uploadSizes } from "./bundle-sizes";
import { type ColdStartResult, runColdStart } from "./cold-start";
import { coldStartSection } from "./cold-start-report";
import { type D1PerOperation, perOperation, settledD1Totals } from "./d1-usage";
import { FLOOR_WORKERS, simulatorNote } from "./floors";
import type { LaunchComparison } from "./launch-comparison";
import { launchComparisonSection } from "./launch-comparison-report";
import { findWorkerd, type LoadResult, processCpuMs, processMemoryMiB, runLoad } from "./load";
import { methodSection } from "./method-section";
import { PeerRow } from "./peer-row";
import { profileSection } from "./profile-report";
import { type OperationMarks, type ProfiledFigures, profiledPass, SAMPLING_INTERVAL_US } from "./profiled-pass";
import { logProfile, type ProfileJob, profiledWorkers, profileOnTwoProcesses } from "./profiled-system";
import { BundleSources, freePort, WorkerProfilers } from "./profiler";
import { startProviderDouble } from "./provider-double";
import { REPRODUCE_SECTION } from "./reproduce-section";
import { OVER_AIM_NOTES } from "./row-notes";
import { scaleSection } from "./scale-report";
import { prepareScenario, scenarioContext } from "./scenario-setup";
import { scenarios } from "./scenarios";
import { chooseStorageDir } from "./storage-dir";
import { runSustained, type SustainedResult, sustainedSpec } from "./sustained";
import { sustainedSection } from "./sustained-report";

const root = join(import.meta.dirname, "..", "..");
const argv = process.argv.slice(2);
const quick = argv.includes("--quick");
const loadMode = argv.includes("--load");
/** `--only=<text>`: just the scenarios whose name contains it (for working on one). */
const only = argv.find((a) => a.startsWith("--only="))?.slice("--only=".length);
/** `--no-profile`: skip the profiled pass (V8's sampling profiler on every Worker) after each scenario. */
const profiling = !argv.includes("--no-profile");
/**
 * Each Worker's cold start, minified and not, in fresh workerd processes (after the rest): part of
 * every full run (issue 18). `--no-cold` leaves it out; a run narrowed with `--only` leaves it out
 * unless `--cold` asks for it.
 */
const coldMode = argv.includes("--cold") || (!argv.includes("--no-cold") && only === undefined);
/** Operations in each scenario's profiled pass, one at a time. */
const PROFILE_OPS = quick ? 20 : 200;
const step = (msg: string) => console.log(`\x1b[36m›\x1b[0m ${msg}`);

/** Cloudflare's CPU limit per request the figures are held against, and the aim. */
const CPU_LIMIT_MS = 50;
const CPU_AIM_MS = 5;
/** The external model double's fixed time to first token. */
const PROVIDER_DELAY_MS = 200;
const BENCH_TENANT = "bench-university";

const SUSTAINED = sustainedSpec(quick);

const storagePlace = chooseStorageDir(argv);
const assetsLayer = chooseAssetsLayer(argv);
const loadBefore = loadavg()[0] ?? 0;
const benchStartMs = Date.now();
step(`starting a model double (first token after ${PROVIDER_DELAY_MS} ms)`);
const provider = await startProviderDouble(PROVIDER_DELAY_MS);

// The reference tool's launch (bench/peer), side by side with ours in the same workerd.
if (PeerRow.selected(only)) step("building the peer Worker (bench/peer)");
const peerRow = PeerRow.selected(only) ? PeerRow.build() : undefined;

step("starting the system and the floor Workers on one workerd");
const inspectorPort = profiling ? await freePort() : undefined;
const bindings = {
  chat: {
    EXTERNAL_AI_BASE_URL: provider.baseUrl,
    // Benchmarks send many turns per learner; the limit is a policy, still checked on every turn.
    BUDGET_MESSAGES_PER_MINUTE: 1_000_000,
  },
};
const system = await startSystem({
  directSockets: true,
  // Each service's Durable Objects in their own Worker beside it; the profiled passes run later on
  // a system with those Workers in a second workerd (src/profiled-system.ts).
  objectsApart: true,
  withoutAssets: assetsLayer.withoutAssets,
  ...(inspectorPort === undefined ? {} : { inspectorPort }),
  extraWorkers: [...FLOOR_WORKERS, ...(peerRow ? [peerRow.worker()] : [])],
  bindings,
});
const workerd = findWorkerd();
const context = await scenarioContext(system, BENCH_TENANT, provider);
const { gateway, fixture } = context;
// Each service's Worker and the Worker its Durable Objects run in, for the launch comparison's
// profile of our launch (the scenarios' own passes run on the second system).
const workers = profiledWorkers(root);
const profilers =
  inspectorPort === undefined || !peerRow
    ? undefined
    : await WorkerProfilers.connect(
        inspectorPort,
        workers.map((w) => w.worker),
        SAMPLING_INTERVAL_US,
      );
// The floor Workers some floor rows profile: what an object call costs its caller, same method.
const profiledFloors = [...new Set(scenarios.flatMap((s) => (s.profiledFloor ? [s.profiledFloor] : [])))];
const floorProfilers =
  inspectorPort === undefined || profiledFloors.length === 0
    ? undefined
    : await WorkerProfilers.connect(inspectorPort, profiledFloors, SAMPLING_INTERVAL_US);
// The moment each chat turn reached the model double: the profiled pass reports what a turn
// costs before it (what the learner waits for before the first token) beside the whole turn.
const providerMarks: OperationMarks = { label: "before the provider", timesUs: provider.arrivalsUs };
const bundleSources = new BundleSources(new Map(workers.map((w) => [w.worker, w.bundle])));

interface Row {
  name: string;
  concurrency: number;
  result: LoadResult;
  note: string;
  profile?: ProfiledFigures;
  /** D1 statements per operation by service (null: analytics dropped samples meanwhile). */
  d1?: D1PerOperation[] | null;
}
const rows: Row[] = [];
/** The scenarios whose profiled pass runs on the second system, after every measured run. */
const profileJobs: ProfileJob[] = [];
const skipped: { name: string; reason: string }[] = [];
let comparison: LaunchComparison | undefined;
let sustained: SustainedResult | undefined;
let sustainedFailure: string | undefined;
let memoryAfterScenarios: { rss: number; peak: number } | undefined;
let idleCpuMsPerSecond: number | undefined;
try {
  for (const scenario of scenarios.filter((s) => only === undefined || s.name.includes(only))) {
    const requests = quick ? Math.max(10, Math.ceil(scenario.requests / 10)) : scenario.requests;
    const warmup = Math.min(scenario.warmup ?? 200, requests);
    // Only a floor row's pass runs here, on its own floor Worker; the others run on the second system.
    const passProfilers = scenario.profiledFloor ? floorProfilers : undefined;
    const profileOps = passProfilers ? Math.min(requests, PROFILE_OPS) : 0;
    const prepared = await prepareScenario(
      scenario,
      context,
      // Sized for a floor's profiled pass too: its operations follow the measured ones.
      { requests: requests + profileOps, warmup },
    );
    if ("skip" in prepared) {
      skipped.push({ name: scenario.name, reason: prepared.skip });
      step(`${scenario.name}: skipped (${prepared.skip})`);
      continue;
    }
    const concurrency = Math.min(scenario.concurrency, requests);
    step(`${scenario.name}: ${requests} operations, ${concurrency} at a time`);
    try {
      // Warm up the isolates and caches first; only the measured run counts.
      if (warmup > 0) {
        const warm = await runLoad({ requests: warmup, concurrency, send: prepared.send }, workerd);
        if (warm.errors > 0) console.log(`  warm-up: ${warm.errors} of ${warmup} failed (not counted)`);
      }
      const countsD1 = !scenario.name.startsWith("floor");
      const d1Before = countsD1 ? await settledD1Totals(gateway, benchStartMs) : undefined;
      const result = await runLoad(
        { requests, concurrency, send: prepared.send, offset: warmup, tailMs: scenario.deferredMs },
        workerd,
      );
      const profile =
        passProfilers && profileOps > 0
          ? await profiledPass(
              passProfilers,
              bundleSources,
              profileOps,
              prepared.send,
              warmup + requests,
              providerMarks,
              scenario.deferredMs,
            )
          : undefined;
      const d1After = d1Before ? await settledD1Totals(gateway, benchStartMs) : undefined;
      const d1 = d1Before && d1After ? perOperation(d1Before, d1After, requests + profileOps) : undefined;
      if (profiling && !scenario.name.startsWith("floor")) {
        profileJobs.push({ scenario, concurrency, warmup, ops: Math.min(requests, PROFILE_OPS) });
      }
      rows.push({
        name: scenario.name,
        concurrency,
        result,
        note: scenario.note,
        ...(profile ? { profile } : {}),
        ...(d1 === undefined ? {} : { d1 }),
      });
      console.log(
        `  ${result.rps.toFixed(0)} op/s, p50 ${result.p50.toFixed(2)} ms, p95 ${result.p95.toFixed(2)} ms, ` +
          `p99 ${result.p99.toFixed(2)} ms, CPU ${result.cpuMsPerRequest.toFixed(3)} ms/op` +
          `${result.cpuMsPerRequestInWindow === undefined ? "" : ` (${result.cpuMsPerRequestInWindow.toFixed(3)} in its window)`}, errors ${result.errors}`,
      );
      if (profile) logProfile(profile, (m) => console.log(`  ${m}`));
    } finally {
      await prepared.teardown?.();
    }
  }
  if (peerRow) {
    step("launch: ours vs the peer (@atomicjolt/lti-endpoints), alternating rounds at 1 and 8 in flight");
    const ours = { profilers, sources: bundleSources };
    comparison = await peerRow.compare(
      { system, fixture, workerd, quick, inspectorPort, ours, profileOps: PROFILE_OPS },
      (m) => console.log(`  ${m}`),
    );
  }
  memoryAfterScenarios = processMemoryMiB(workerd);
  // Background work (alarms, outbox and metrics flushes) runs between requests too; slow
  // scenarios divide more of it by fewer operations, so show what idle costs.
  const idleStart = processCpuMs(workerd);
  await sleep(3000);
  idleCpuMsPerSecond = (processCpuMs(workerd) - idleStart) / 3;
  if (loadMode) {
    step(
      `sustained load: ${SUSTAINED.conversations} conversations and ${SUSTAINED.sockets} signal sockets for ${SUSTAINED.seconds} s`,
    );
    try {
      sustained = await runSustained(fixture, workerd, SUSTAINED, (m) => console.log(`  ${m}`));
    } catch (e) {
      // Setting up the load (launching learners) failed: no figures, but the doc says so.
      sustainedFailure = e instanceof Error ? e.message : String(e);
      console.error(`  sustained load failed: ${sustainedFailure}`);
    }
  }
  if (sustained) {
    console.log(
      `  errors ${sustained.errors}; chat turns ${sustained.chat.turns} (p50 ${sustained.chat.p50.toFixed(0)} ms); ` +
        `sockets open at end ${sustained.sockets.openAtEnd}/${SUSTAINED.sockets}; workerd RSS peak ${sustained.memoryMiB.peakSampled.toFixed(0)} MiB`,
    );
    for (const e of sustained.errorSamples) console.log(`  error: ${e}`);
  }
} finally {
  profilers?.close();
  floorProfilers?.close();
  await closePlatforms(system);
  await system.dispose();
  peerRow?.dispose();
}
try {
  if (profileJobs.length > 0) step("the profiled passes: the system again, its Durable Objects in a second workerd");
  const profiles = await profileOnTwoProcesses(profileJobs, {
    root,
    tenant: BENCH_TENANT,
    withoutAssets: assetsLayer.withoutAssets,
    bindings,
    provider,
    marks: providerMarks,
    log: (m) => console.log(`  ${m}`),
  });
  for (const row of rows) {
    const profile = profiles.get(row.name);
    if (profile) row.profile = profile;
  }
} finally {
  await provider.close();
}

const floorRows = rows.filter((r) => r.name.startsWith("floor: hello-world"));
/** The floor measured with the same number in flight, else the first one. */
const floorFor = (concurrency: number) => floorRows.find((r) => r.concurrency === concurrency) ?? floorRows[0];
const ratio = (a: number, b: number | undefined) => (b ? `${(a / b).toFixed(1)}×` : "n/a");
const ms = (n: number, digits = 2) => (Number.isFinite(n) ? n.toFixed(digits) : "n/a");

let cold: ColdStartResult | undefined;
if (coldMode) {
  step("cold start: each Worker alone in a fresh workerd, minified and not");
  const shipped = new Map(
    SERVICE_NAMES.map((s) => [`atomic-guide-${s}`, join(root, "services", s, "dist", "index.js")]),
  );
  // Three fresh processes per build keep the section near two minutes on this machine; --cold asks for five.
  cold = await runColdStart(quick ? 2 : argv.includes("--cold") ? 5 : 3, shipped, (m) => console.log(`  ${m}`));
}
// About 3 s per Worker: cheap enough for every run.
step("wrangler deploy --dry-run for the upload sizes");
const uploads = uploadSizes(root);
for (const line of uploads.slice(2)) console.log(`  ${line}`);

const cpuVerdict = (cpu: number) =>
  cpu < CPU_AIM_MS ? "✓ < 5 ms" : cpu < CPU_LIMIT_MS ? "< 50 ms, over aim" : "**over 50 ms**";
const table = [
  "| scenario | ops | concurrency | op/s | p50 ms | p95 ms | p99 ms | CPU ms/op (workerd, upper bound) | vs 50 ms limit | p50 vs floor | CPU vs floor | errors |",
  "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- | ---: | ---: | ---: |",
  ...rows.map(
    ({ name, concurrency, result: r }) =>
      `| ${name} | ${r.requests} | ${concurrency} | ${r.rps.toFixed(0)} | ${ms(r.p50)} | ${ms(r.p95)} | ${ms(r.p99)} | ${r.cpuMsPerRequest.toFixed(3)} | ${cpuVerdict(r.cpuMsPerRequest)} | ${ratio(r.p50, floorFor(concurrency)?.result.p50)} | ${ratio(r.cpuMsPerRequest, floorFor(concurrency)?.result.cpuMsPerRequest)} | ${r.errors} |`,
  ),
];
const overAim = rows.filter((r) => r.result.cpuMsPerRequest >= CPU_AIM_MS);
const cpuOf = (prefix: string) => rows.find((r) => r.name.startsWith(prefix))?.result.cpuMsPerRequest;
const simulatorText = simulatorNote(cpuOf);

const machine = `${cpus().length} × ${cpus()[0]?.model ?? "unknown CPU"}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}, workerd from wrangler 4.156.2`;
const command = `npm run bench${argv.length ? ` -- ${argv.join(" ")}` : ""}`;
const doc = `# Benchmarks

Generated by \`${command}\` on ${new Date().toISOString()}; do not edit by hand.

${methodSection({ machine, loadBefore, storagePlace, assetsText: assetsLayer.text, cpuLimitMs: CPU_LIMIT_MS, cpuAimMs: CPU_AIM_MS, providerDelayMs: PROVIDER_DELAY_MS, cores: cpus().length })}

## Requests

${table.join("\n")}

${rows.map((r) => `- **${r.name}**: ${r.note}`).join("\n")}
${skipped.length ? `\nSkipped in this run (the system could not run them, so there is no figure):\n\n${skipped.map((s) => `- **${s.name}**: ${s.reason}`).join("\n")}\n` : ""}
${
  overAim.length
    ? `CPU over the ${CPU_AIM_MS} ms aim: ${overAim.map((r) => `**${r.name}** (${r.result.cpuMsPerRequest.toFixed(2)} ms)`).join(", ")}. ` +
      "The figure is workerd's whole CPU per operation, so it counts the local D1/KV simulators, every " +
      "hop between Workers and, for a launch, two HTTP requests and an RSA signature check; compare with the floor column."
    : `Every measured operation stays under the ${CPU_AIM_MS} ms aim, upper bound included.`
} ${simulatorText}
${overAim.length ? `\nWhy each row over the aim costs what it does, and what would bring it down:\n\n${overAim.map((r) => `- **${r.name}**: ${OVER_AIM_NOTES.find(([prefix]) => r.name.startsWith(prefix))?.[1] ?? "not analysed yet."}`).join("\n")}\n` : ""}
${baselineSection(rows.map((r) => ({ ...r, floorCpuMs: floorFor(r.concurrency)?.result.cpuMsPerRequest })))}
${profileSection(rows)}
${launchComparisonSection(comparison)}
${scaleSection(rows)}
${memoryAfterScenarios ? `\nworkerd memory after the request scenarios: RSS ${memoryAfterScenarios.rss.toFixed(0)} MiB (peak ${memoryAfterScenarios.peak.toFixed(0)} MiB).\n` : ""}${idleCpuMsPerSecond === undefined ? "" : `workerd CPU while idle after them (alarms, outbox and metrics flushes): ${idleCpuMsPerSecond.toFixed(1)} ms per second; a scenario's CPU per operation includes this background share, which weighs most on the slow, one-at-a-time rows.\n`}
${sustainedFailure ? `## Sustained load\n\nFailed before the window: \`${sustainedFailure.slice(0, 300)}\`.\n` : sustained ? sustainedSection(sustained, PROVIDER_DELAY_MS) : "## Sustained load\n\nNot part of this run; `npm run bench -- --load` adds it (500 conversations and 1,000 signal sockets for 60 s).\n"}
${coldStartSection(cold)}
## Bundle sizes

From \`services/*/dist/index.js\` as \`wrangler deploy --dry-run\` builds it; gzip computed here the
way Cloudflare counts the compressed limit.

${bundleSizes(root).join("\n")}
${uploads.length ? `\nAs wrangler prints them (\`wrangler deploy --dry-run\`, every module of the upload):\n\n${uploads.join("\n")}\n` : ""}
${REPRODUCE_SECTION}`;
writeFileSync(join(root, "docs", "benchmarks.md"), doc);
step("wrote docs/benchmarks.md");
const failures = rows.filter((r) => r.result.errors > 0).map((r) => r.name);
if (comparison?.arms.some((a) => a.result.errors > 0)) failures.push("launch: ours vs peer");
if ((sustained && sustained.errors > 0) || sustainedFailure) failures.push("sustained load");
if (failures.length) {
  console.error(`errors in: ${failures.join(", ")}`);
  process.exit(1);
}
