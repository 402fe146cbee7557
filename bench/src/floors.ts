// Reference Workers on the same workerd as the system: the runtime alone, and the runtime plus
// one local D1 query or one Durable Object RPC, so each system figure can be read against what
// the local simulators themselves cost.
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
];
