// Offboarding a tenant: after POST /admin/tenants/:tenantId/offboard, none of its rows are left
// in any service's D1, its learners' Durable Objects hold nothing, its tokens answer 401, and
// the other tenant keeps everything. A second call finds nothing and says so with zero counts.
import { type RunningSystem, startSystem } from "@atomic-guide/testing/system";
import { tenantRowCounts } from "@atomic-guide/testing/tenant-rows";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  adminHeaders,
  api,
  eventually,
  type Launched,
  launch,
  stopSystem,
  stuckBurst,
  tenantPlatform,
} from "../../support/flows";

const GONE = "uni-b";
const STAYS = "uni-a";

/** Every D1 table that carries tenant_id, per service (from migrations/<service>). */
const TENANT_TABLES = {
  chat: ["conversations", "messages", "faq_entries"],
  "struggle-detector": [
    "learning_sessions",
    "struggle_events",
    "interventions",
    "learner_profiles",
    "guide_settings_audit",
    "course_kind_outcomes",
  ],
  // Request metrics name tenants but no learner; they age out by their own windows (operations.md §11).
  analytics: ["learning_events", "course_roster", "audit_log"],
} as const;

const rowsOf = (system: RunningSystem, tenantId: string) => tenantRowCounts(system, tenantId, TENANT_TABLES);

interface Receipt {
  tenantId: string;
  status: string;
  services: Record<string, { status: string; rows?: number; objects?: number }>;
  kv: { keys: number };
  at: string;
}

const offboard = (system: RunningSystem, tenantId: string, confirm: string = tenantId) =>
  system.fetch(`/admin/tenants/${tenantId}/offboard`, {
    method: "POST",
    headers: adminHeaders,
    body: JSON.stringify({ confirm }),
  });

async function withData(system: RunningSystem, tenant: string, userId: string): Promise<Launched> {
  const who = await launch(system, { role: "learner", tenant, userId });
  const signals = await api(system, who.apiToken, "/api/cognitive/signals", { body: { signals: stuckBurst("q-off") } });
  if (signals.status !== 202) throw new Error(`signals: ${signals.status} ${await signals.text()}`);
  const chat = await api(system, who.apiToken, "/api/chat/message", { body: { message: `Hello from ${tenant}` } });
  if (chat.status !== 200) throw new Error(`chat: ${chat.status} ${await chat.text()}`);
  return who;
}

/** Every service has written what the flows produce (archives and events travel in the background). */
const settled = (rows: Record<string, number>) =>
  ["chat.messages", "struggle-detector.learning_sessions", "analytics.learning_events"].every(
    (t) => (rows[t] ?? 0) > 0,
  );

describe("offboarding a tenant", () => {
  let system: RunningSystem;
  let gone: Launched;
  let stays: Launched;

  beforeAll(async () => {
    system = await startSystem();
    gone = await withData(system, GONE, "leaver");
    await launch(system, { role: "instructor", tenant: GONE });
    stays = await withData(system, STAYS, "stayer");
    for (const tenant of [GONE, STAYS]) {
      const rows = await eventually(() => rowsOf(system, tenant), settled);
      if (!settled(rows)) throw new Error(`${tenant}'s data did not reach every service: ${JSON.stringify(rows)}`);
    }
  });
  afterAll(() => stopSystem(system));

  it("lists both tenants with their registrations first", async () => {
    const res = await system.fetch("/admin/tenants", { headers: adminHeaders });
    expect(res.status).toBe(200);
    const { tenants } = (await res.json()) as { tenants: { tenantId: string; registrations: number }[] };
    expect(tenants.filter((t) => [GONE, STAYS].includes(t.tenantId)).map((t) => t.registrations)).toEqual([1, 1]);
  });

  it("refuses an unconfirmed offboarding and keeps everything", async () => {
    const res = await offboard(system, GONE, STAYS);
    expect(res.status).toBe(400);
    expect((await api(system, gone.apiToken, "/api/chat/conversations")).status).toBe(200);
  });

  it("erases the tenant from every service and the gateway; its tokens stop working; the other tenant is untouched", async () => {
    const before = await rowsOf(system, STAYS);
    const res = await offboard(system, GONE);
    expect(res.status).toBe(200);
    const receipt = (await res.json()) as Receipt;
    expect(receipt).toMatchObject({ tenantId: GONE, status: "complete" });
    for (const service of ["chat", "struggle-detector", "analytics"]) {
      expect(receipt.services[service]?.status, service).toBe("erased");
      expect(receipt.services[service]?.rows, service).toBeGreaterThan(0);
    }
    // One learner's detector, their chat learner object and conversation.
    expect(receipt.services["struggle-detector"]?.objects).toBeGreaterThanOrEqual(1);
    expect(receipt.services.chat?.objects).toBeGreaterThanOrEqual(2);
    expect(receipt.kv.keys).toBeGreaterThanOrEqual(2);

    expect(await rowsOf(system, GONE)).toEqual({});
    const refused = await api(system, gone.apiToken, "/api/learners/me/export");
    expect(refused.status).toBe(401);

    const list = (await (await system.fetch("/admin/tenants", { headers: adminHeaders })).json()) as {
      tenants: { tenantId: string }[];
    };
    expect(list.tenants.map((t) => t.tenantId)).not.toContain(GONE);

    expect(await rowsOf(system, STAYS)).toMatchObject(before);
    const theirs = await api(system, stays.apiToken, "/api/learners/me/export");
    expect(theirs.status).toBe(200);
    const doc = (await theirs.json()) as { services: { chat: { conversations: unknown[] } } };
    expect(doc.services.chat.conversations).toHaveLength(1);
  });

  it("a second call succeeds with zero counts", async () => {
    const res = await offboard(system, GONE);
    expect(res.status).toBe(200);
    const receipt = (await res.json()) as Receipt;
    expect(receipt.status).toBe("complete");
    expect(receipt.kv.keys).toBe(0);
    for (const service of ["chat", "struggle-detector", "analytics"]) {
      expect(receipt.services[service], service).toEqual({ status: "erased", rows: 0, objects: 0 });
    }
  });

  it("the learner's objects are empty: re-onboarded, the same learner starts with no history", async () => {
    const { platform } = await tenantPlatform(system, GONE);
    const registered = await system.fetch("/admin/platforms", {
      method: "POST",
      headers: adminHeaders,
      body: JSON.stringify(platform.registrationBody({ tenantId: GONE, name: "Back again" })),
    });
    expect(registered.status).toBe(201);
    const again = await launch(system, { role: "learner", tenant: GONE, userId: "leaver" });
    const res = await api(system, again.apiToken, "/api/learners/me/export");
    expect(res.status).toBe(200);
    const doc = (await res.json()) as {
      services: {
        chat: { conversations: unknown[]; profile: unknown };
        "struggle-detector": { struggleEvents: unknown[]; interventions: unknown[]; recentSignals: unknown[] };
      };
    };
    expect(doc.services.chat.conversations).toEqual([]);
    expect(doc.services["struggle-detector"]).toMatchObject({
      struggleEvents: [],
      interventions: [],
      recentSignals: [],
    });
  });
});
