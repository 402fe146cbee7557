// A tenant with its own D1, end to end: a second database is bound in every service as
// DB_TENANT_OWN (as scripts/ops/tenant-db.mjs binds one in a real account) and the tenant record
// names it. After launches, signals, chat, insight and an export for that tenant, every service
// holds its rows in the tenant's database and none in the shared one, while a tenant on the
// shared databases keeps its rows there and none in the other tenant's.
import { type RunningSystem, startSystem } from "@atomic-guide/testing/system";
import { tenantRowsIn } from "@atomic-guide/testing/tenant-rows";
import { ownsD1, SERVICE_NAMES, type ServiceName } from "@atomic-guide/testing/vitest-workers";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { api, eventually, type Launched, launch, stopSystem, stuckBurst, tenantPlatform } from "../../support/flows";

const BINDING = "DB_TENANT_OWN";
const OWN = "own-db-u";
const SHARED = "uni-a";
const COURSE = "course-own-1";

/** Rows each tenant must have produced, per service and table, wherever they live. */
const EXPECTED_TABLES: Partial<Record<ServiceName, string[]>> = {
  "struggle-detector": ["learning_sessions", "struggle_events", "interventions"],
  chat: ["conversations", "messages"],
  analytics: ["learning_events", "audit_log"],
};

/**
 * Operator-wide request metrics stay in analytics' shared database for every tenant (they name
 * no learner, and /admin/metrics reads them across tenants): docs/architecture.md.
 */
const OPERATOR_METRICS = ["analytics.request_samples", "analytics.request_rollups"];
const withoutOperatorMetrics = (counts: Record<string, number>) =>
  Object.fromEntries(Object.entries(counts).filter(([table]) => !OPERATOR_METRICS.includes(table)));

/** Every table of a database with a tenant_id column (the tables tenant-db.mjs moves). */
async function tenantTables(db: D1Database): Promise<string[]> {
  const tables = await db
    .prepare(
      "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name NOT LIKE '_cf_%' AND name NOT LIKE '%fts%'",
    )
    .all<{ name: string }>();
  const withTenant: string[] = [];
  for (const { name } of tables.results) {
    const columns = await db.prepare(`SELECT name FROM pragma_table_info('${name}')`).all<{ name: string }>();
    if (columns.results.some((c) => c.name === "tenant_id")) withTenant.push(name);
  }
  return withTenant;
}

/** `service.table` → rows of the tenant, for every table with a tenant_id that has any. */
async function rowsOf(
  system: RunningSystem,
  tenantId: string,
  where: "shared" | "own",
): Promise<Record<string, number>> {
  const counts: Record<string, number> = {};
  // The gateway has no D1 (tenants and registrations live in KV).
  for (const service of SERVICE_NAMES.filter(ownsD1)) {
    const db = where === "shared" ? await system.db(service) : await system.tenantDb(service, BINDING);
    Object.assign(counts, await tenantRowsIn(db, service, tenantId, await tenantTables(db)));
  }
  return counts;
}

const hasEvery = (counts: Record<string, number>) =>
  Object.entries(EXPECTED_TABLES).every(([service, tables]) =>
    tables.every((t) => (counts[`${service}.${t}`] ?? 0) > 0),
  );

/** A learner's and an instructor's day: struggle, an intervention, a chat turn, insight, an export. */
async function useTheTool(system: RunningSystem, tenant: string): Promise<void> {
  const learner: Launched = await launch(system, { role: "learner", tenant, contextId: COURSE });
  const instructor: Launched = await launch(system, { role: "instructor", tenant, contextId: COURSE });
  const signals = await api(system, learner.apiToken, "/api/cognitive/signals", {
    body: { signals: stuckBurst(`q-${tenant}`) },
  });
  expect(signals.status).toBe(202);
  const chat = await api(system, learner.apiToken, "/api/chat/message", { body: { message: "What is a loop?" } });
  expect(chat.status).toBe(200);
  // Learning events reach analytics in the background: insight shows them when they arrived.
  const insight = await eventually(
    async () =>
      JSON.stringify(await (await api(system, instructor.apiToken, `/api/courses/${COURSE}/insights`)).json()),
    (text) => text.includes(`q-${tenant}`),
  );
  expect(insight, `${tenant}'s instructor sees the struggle, read from the tenant's database`).toContain(`q-${tenant}`);
  expect((await api(system, instructor.apiToken, "/api/analytics/overview")).status).toBe(200);
  const exported = await api(system, learner.apiToken, "/api/learners/me/export");
  expect(exported.status).toBe(200);
  const body = (await exported.json()) as { services: { analytics: { learningEvents: unknown[] } } };
  expect(body.services.analytics.learningEvents.length).toBeGreaterThan(0);
}

describe("a tenant with its own D1 database", () => {
  let system: RunningSystem;
  let own: Record<string, number>;
  let shared: Record<string, number>;

  beforeAll(async () => {
    system = await startSystem({ tenantDatabases: [BINDING] });
    // Register the tenant, then point its record at its database, as tenant-db.mjs does.
    await tenantPlatform(system, OWN);
    const kv = await system.mf.getKVNamespace("PLATFORMS", "atomic-guide-lti-gateway");
    const record = (await kv.get(`tenant:${OWN}`, "json")) as Record<string, unknown> | null;
    if (!record) throw new Error(`registering ${OWN} made no tenant record`);
    await kv.put(`tenant:${OWN}`, JSON.stringify({ ...record, d1Binding: BINDING }));

    await useTheTool(system, OWN);
    await useTheTool(system, SHARED);
    // Archives and write-behind copies land from Durable Object alarms: wait (bounded) for them.
    own = await eventually(() => rowsOf(system, OWN, "own"), hasEvery, { attempts: 30, intervalMs: 500 });
    shared = await eventually(() => rowsOf(system, SHARED, "shared"), hasEvery, { attempts: 30, intervalMs: 500 });
  }, 300_000);
  afterAll(() => stopSystem(system));

  it("has the tenant's rows in its own database in every service that keeps learner data", () => {
    for (const [service, tables] of Object.entries(EXPECTED_TABLES)) {
      for (const table of tables) expect(own[`${service}.${table}`] ?? 0, `${service}.${table}`).toBeGreaterThan(0);
    }
  });

  it("leaves none of the tenant's learner rows in any service's shared database", async () => {
    expect(withoutOperatorMetrics(await rowsOf(system, OWN, "shared"))).toEqual({});
  });

  it("keeps a tenant on the shared databases there, and out of the other tenant's database", async () => {
    for (const [service, tables] of Object.entries(EXPECTED_TABLES)) {
      for (const table of tables) expect(shared[`${service}.${table}`] ?? 0, `${service}.${table}`).toBeGreaterThan(0);
    }
    expect(await rowsOf(system, SHARED, "own")).toEqual({});
  });
});
