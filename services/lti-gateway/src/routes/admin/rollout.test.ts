import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { rolloutKey } from "../../rollout/record";
import { admin } from "./test-admin";

const CANDIDATE = "0b9a3f5e-1c2d-4e3f-8a7b-6c5d4e3f2a10";

describe("/admin/rollout", () => {
  it("answers 401 without the operator token and changes nothing", async () => {
    const put = await admin("PUT", "/admin/rollout/chat", { candidateVersionId: CANDIDATE, tenants: ["a"] }, null);
    expect(put.status).toBe(401);
    expect(((await put.json()) as { error: { code: string } }).error.code).toBe("unauthorized");
    expect(await env.FLAGS.get(rolloutKey("chat"))).toBeNull();
    expect((await admin("GET", "/admin/rollout", undefined, "wrong-token")).status).toBe(401);
  });

  it("stores a valid record with updatedAt and lists it per service", async () => {
    const put = await admin("PUT", "/admin/rollout/chat", {
      candidateVersionId: CANDIDATE,
      tenants: ["pilot-u"],
      percentage: 0,
    });
    expect(put.status).toBe(200);
    const record = (await put.json()) as { updatedAt: string; tenants: string[] };
    expect(record.tenants).toEqual(["pilot-u"]);
    expect(Date.parse(record.updatedAt)).not.toBeNaN();
    expect(JSON.parse((await env.FLAGS.get(rolloutKey("chat")))!)).toEqual(record);

    const list = (await (await admin("GET", "/admin/rollout")).json()) as { services: Record<string, unknown> };
    expect(Object.keys(list.services).sort()).toEqual(["analytics", "chat", "struggle-detector"]);
    expect(list.services.chat).toEqual(record);
    expect(list.services.analytics).toBeNull();
  });

  it.each([
    ["a version id that is not a UUID", { candidateVersionId: "latest", tenants: [] }],
    ["a tenant that is not a slug", { candidateVersionId: CANDIDATE, tenants: ["Not A Slug"] }],
    ["a repeated tenant", { candidateVersionId: CANDIDATE, tenants: ["a", "a"] }],
    ["a percentage over 100", { candidateVersionId: CANDIDATE, tenants: [], percentage: 101 }],
    ["an unknown key", { candidateVersionId: CANDIDATE, tenants: [], everyone: true }],
    ["a missing tenant list", { candidateVersionId: CANDIDATE }],
  ])("refuses %s with 400 and keeps the stored record", async (_what, body) => {
    const before = await env.FLAGS.get(rolloutKey("analytics"));
    const res = await admin("PUT", "/admin/rollout/analytics", body);
    expect(res.status).toBe(400);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe("invalid_request");
    expect(await env.FLAGS.get(rolloutKey("analytics"))).toBe(before);
  });

  it("refuses malformed JSON and unknown services with 400", async () => {
    expect((await admin("PUT", "/admin/rollout/chat", "{not json")).status).toBe(400);
    const res = await admin("PUT", "/admin/rollout/lti-gateway", { candidateVersionId: CANDIDATE, tenants: [] });
    expect(res.status).toBe(400);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe("unknown_service");
  });

  it("deletes a record so every tenant follows the percentages again", async () => {
    await admin("PUT", "/admin/rollout/struggle-detector", { candidateVersionId: CANDIDATE, tenants: ["pilot-z"] });
    expect((await admin("DELETE", "/admin/rollout/struggle-detector")).status).toBe(204);
    expect(await env.FLAGS.get(rolloutKey("struggle-detector"))).toBeNull();
    const list = (await (await admin("GET", "/admin/rollout")).json()) as { services: Record<string, unknown> };
    expect(list.services["struggle-detector"]).toBeNull();
  });
});

describe("/admin/rollout/tenants/:tenantId", () => {
  const TENANT = "pin-college";
  const seedTenant = () =>
    env.PLATFORMS.put(
      `tenant:${TENANT}`,
      JSON.stringify({ tenantId: TENANT, name: "Pin College", createdAt: new Date().toISOString() }),
    );

  it("refuses an unknown tenant, and a pin when no service has a candidate", async () => {
    expect((await admin("PUT", "/admin/rollout/tenants/nobody-here")).status).toBe(404);
    await seedTenant();
    for (const service of ["chat", "struggle-detector", "analytics"])
      await admin("DELETE", `/admin/rollout/${service}`);
    const res = await admin("PUT", `/admin/rollout/tenants/${TENANT}`);
    expect(res.status).toBe(409);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe("no_candidate");
  });

  it("pins one tenant across every service with a candidate in one call, and shows it per tenant", async () => {
    await seedTenant();
    await admin("PUT", "/admin/rollout/chat", { candidateVersionId: CANDIDATE, tenants: ["other"] });
    await admin("PUT", "/admin/rollout/analytics", { candidateVersionId: CANDIDATE, tenants: [] });
    await admin("DELETE", "/admin/rollout/struggle-detector");
    const pin = await admin("PUT", `/admin/rollout/tenants/${TENANT}`);
    expect(pin.status).toBe(200);
    const expected = {
      chat: { version: CANDIDATE, pinned: true },
      analytics: { version: CANDIDATE, pinned: true },
      "struggle-detector": { version: "deployment", pinned: false },
    };
    expect(await pin.json()).toEqual({ tenantId: TENANT, services: expected });
    const listed = (await (await admin("GET", "/admin/rollout")).json()) as {
      services: Record<string, { tenants: string[] } | null>;
      tenants: { tenantId: string; services: unknown }[];
    };
    expect(listed.services.chat?.tenants).toEqual(["other", TENANT]);
    expect(listed.tenants.find((t) => t.tenantId === TENANT)?.services).toEqual(expected);

    const unpin = await admin("DELETE", `/admin/rollout/tenants/${TENANT}`);
    expect(((await unpin.json()) as { services: Record<string, { pinned: boolean }> }).services.chat?.pinned).toBe(
      false,
    );
  });
});
