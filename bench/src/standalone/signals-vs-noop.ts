// End-to-end benchmark: signals per second and CPU per signal through the gateway to the
// learner's StruggleDetectorDO, next to a no-op Durable Object measured in the same run.
// Boots all four built bundles in one workerd (tests/support/system.ts) and talks to them only
// over HTTP: the learner's API token comes from a real LTI launch. CPU is read from the workerd
// process in /proc (user + system, 10 ms ticks), so it covers gateway, service, object and SQLite.
// Run (after building every service's dist/): npm run bench -- signals-vs-noop [batches] [signalsPerBatch] [--disk]
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { closePlatforms, tenantPlatform } from "../../../tests/support/flows";
import { startSystem } from "../../../tests/support/system";
import { launch } from "../launch";
import { chooseStorageDir } from "../storage-dir";

const numbers = process.argv.slice(2).filter((a) => !a.startsWith("--"));
/** Where the local storage files live, as in the system bench (src/storage-dir.ts). */
const storagePlace = chooseStorageDir(process.argv);
const BATCHES = Number(numbers[0] ?? 300);
const PER_BATCH = Number(numbers[1] ?? 20);
const TICK_MS = 10;

const NOOP_WORKER = {
  name: "bench-noop",
  modules: [
    {
      type: "ESModule",
      path: "noop.mjs",
      contents: `import { DurableObject } from "cloudflare:workers";
export class Noop extends DurableObject { async fetch() { return new Response("{}", { status: 202 }); } }
export default { fetch(request, env) { return env.NOOP.get(env.NOOP.idFromName("bench")).fetch(request); } };`,
    },
  ],
  compatibilityDate: "2026-10-01",
  durableObjects: { NOOP: { className: "Noop", useSQLite: true } },
};

/** CPU ms used so far by every workerd process under this Node process. */
function workerdCpuMs(): number {
  const pids = execFileSync("pgrep", ["-P", String(process.pid), "-f", "workerd"], { encoding: "utf8" })
    .trim()
    .split("\n")
    .filter(Boolean);
  let ticks = 0;
  for (const pid of pids) {
    const fields = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]?.split(" ") ?? [];
    ticks += Number(fields[11]) + Number(fields[12]);
  }
  return ticks * TICK_MS;
}

function batch(i: number) {
  const base = Date.now() - 30_000;
  return JSON.stringify({
    signals: Array.from({ length: PER_BATCH }, (_, j) => ({
      type: j % 3 === 0 ? "hover" : j % 3 === 1 ? "scroll" : "focus_change",
      at: new Date(base + i * 10 + j).toISOString(),
      elementId: `p${j % 5}`,
      durationMs: 800 + ((i * 31 + j) % 1_500),
    })),
  });
}

async function run(label: string, send: (i: number) => Promise<Response>, expected = 202) {
  const cpu0 = workerdCpuMs();
  const t0 = performance.now();
  for (let i = 0; i < BATCHES; i++) {
    const res = await send(i);
    if (res.status !== expected) throw new Error(`${label}: HTTP ${res.status} ${await res.text()}`);
    await res.arrayBuffer();
  }
  const wall = performance.now() - t0;
  const cpu = workerdCpuMs() - cpu0;
  const signals = expected === 202 ? BATCHES * PER_BATCH : 0;
  const perSignal = signals
    ? `${Math.round(signals / (wall / 1000)).toLocaleString("en")} signals/s, CPU ${((cpu / signals) * 1000).toFixed(0)} µs/signal`
    : "no signals";
  console.log(
    `${label.padEnd(34)} ${Math.round(BATCHES / (wall / 1000))
      .toLocaleString("en")
      .padStart(5)} req/s  CPU ${(cpu / BATCHES).toFixed(2)} ms/req (±${(TICK_MS / BATCHES).toFixed(2)})  ${perSignal}`,
  );
}

const system = await startSystem({ extraWorkers: [NOOP_WORKER], directSockets: true });
try {
  const gateway = await system.directUrl("atomic-guide-lti-gateway");
  const { platform } = await tenantPlatform(system, "bench");
  const { apiToken: token } = await launch(gateway, platform, { sub: "bench-learner", name: "Bench Learner" });
  const noop = await system.directUrl("bench-noop");
  const headers = { Authorization: `Bearer ${token}`, "Content-Type": "application/json" };
  console.log(`${BATCHES} batches x ${PER_BATCH} signals, sequential, one learner`);
  console.log(`local storage files ${storagePlace}`);
  // Warm both paths (isolate start, object creation, first D1 writes) before measuring.
  for (let i = 0; i < 20; i++) {
    await (
      await fetch(new URL("/api/cognitive/signals", gateway), { method: "POST", headers, body: batch(-100 - i) })
    ).arrayBuffer();
    await (await fetch(noop, { method: "POST", body: batch(i) })).arrayBuffer();
  }
  await run("no-op Durable Object (direct)", (i) => fetch(noop, { method: "POST", body: batch(i) }));
  // The same path without signals: what the gateway, forwarding and the object call cost alone.
  await run(
    "gateway -> DO, profile read only",
    () => fetch(new URL("/api/learners/me/profile", gateway), { headers }),
    200,
  );
  await run("gateway -> struggle-detector DO", (i) =>
    fetch(new URL("/api/cognitive/signals", gateway), { method: "POST", headers, body: batch(i) }),
  );
} finally {
  await closePlatforms(system);
  await system.dispose();
}
