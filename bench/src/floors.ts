import type { RunningSystem } from "@atomic-guide/testing/system";

// Reference Workers on the same workerd as the system: the runtime alone, and the runtime plus
// one local D1 query, one Durable Object RPC or one new Durable Object, so each system figure can
// be read against what the local simulators themselves cost.
const COMPATIBILITY_DATE = "2026-10-01";

export const FLOOR_WORKERS = [
  {
    name: "floor",
    modules: true,
    script: 'export default { fetch() { return new Response("ok") } }',
    compatibilityDate: COMPATIBILITY_DATE,
  },
  {
    name: "floor-d1",
    modules: true,
    script:
      'export default { async fetch(request, env) { const row = await env.DB.prepare("SELECT 1 AS one").first(); return new Response(String(row.one)); } }',
    compatibilityDate: COMPATIBILITY_DATE,
    d1Databases: { DB: { id: "bench-floor-d1" } },
  },
  {
    name: "floor-do",
    modules: true,
    script: [
      'import { DurableObject } from "cloudflare:workers";',
      'export class Echo extends DurableObject { ping() { return "ok"; } }',
      "export default { async fetch(request, env) {",
      '  const stub = env.ECHO.get(env.ECHO.idFromName(new URL(request.url).searchParams.get("k") ?? "a"));',
      "  return new Response(await stub.ping());",
      "} }",
    ].join("\n"),
    compatibilityDate: COMPATIBILITY_DATE,
    durableObjects: { ECHO: { className: "Echo" } },
  },
  {
    // A SQLite-backed object never seen before, with one table and one row: what a new learner's
    // or conversation's object costs locally before any of our code runs in it.
    name: "floor-new-do",
    modules: true,
    script: [
      'import { DurableObject } from "cloudflare:workers";',
      "export class Fresh extends DurableObject {",
      '  open() { this.ctx.storage.sql.exec("CREATE TABLE IF NOT EXISTS t (k TEXT PRIMARY KEY)"); this.ctx.storage.sql.exec("INSERT INTO t VALUES (?)", "a"); return "ok"; }',
      "}",
      "export default { async fetch(request, env) {",
      "  return new Response(await env.FRESH.get(env.FRESH.idFromName(crypto.randomUUID())).open());",
      "} }",
    ].join("\n"),
    compatibilityDate: COMPATIBILITY_DATE,
    durableObjects: { FRESH: { className: "Fresh", useSQLite: true } },
  },
];

/** The floor Workers' URLs on the running workerd. */
export async function floorUrls(system: RunningSystem) {
  return {
    floor: await system.directUrl("floor"),
    floorD1: await system.directUrl("floor-d1"),
    floorDo: await system.directUrl("floor-do"),
    floorNewDo: await system.directUrl("floor-new-do"),
  };
}

/** What one local D1 query, object hop and new object cost in this run, from the floor rows' CPU. */
export function simulatorNote(cpuOf: (prefix: string) => number | undefined): string {
  const floorCpu = cpuOf("floor: hello-world Worker");
  const d1Cpu = cpuOf("floor + one D1 query");
  const doCpu = cpuOf("floor + one Durable Object RPC");
  const newDoCpu = cpuOf("floor + one new Durable Object");
  if (floorCpu === undefined || d1Cpu === undefined || doCpu === undefined) return "";
  const over = (cpu: number) => Math.max(0, cpu - floorCpu).toFixed(2);
  return (
    `For scale, in this run one local D1 query cost about ${over(d1Cpu)} ms of workerd CPU and one ` +
    `Durable Object RPC about ${over(doCpu)} ms` +
    (newDoCpu === undefined
      ? ""
      : `, and creating a new SQLite-backed Durable Object with one table about ${over(newDoCpu)} ms`) +
    " (the floor rows above): an operation that makes ten D1 round trips (reads, outbox flushes, analytics events, " +
    "metrics) spends ~10× the first figure in the local simulator alone, which Cloudflare's D1 runs outside the " +
    "Worker's CPU time, and a learner's first request or a new conversation pays the last figure locally, work " +
    "Cloudflare does on the object's own machine."
  );
}
