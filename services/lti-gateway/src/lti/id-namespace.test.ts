import { env, exports } from "cloudflare:workers";
import { afterEach, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { ROLE, SimulatedPlatform } from "../../../../tests/support/lti-platform";
import { verifyApiToken } from "../auth/api-token";
import { platformNamespace } from "../auth/platform-ids";
import { getTenant } from "../tenants/store";
import { getRegistration, putRegistration } from "./registry";
import { adminPost, launch, launchJson, register, routeFetchTo } from "./test-harness";

let siteA: SimulatedPlatform;
let siteB: SimulatedPlatform;
let siteC: SimulatedPlatform;
let tenant: string;

beforeAll(async () => {
  siteA = await SimulatedPlatform.create({ shape: "moodle", origin: "https://moodle-a.example.edu" });
  siteB = await SimulatedPlatform.create({ shape: "moodle", origin: "https://moodle-b.example.edu" });
  siteC = await SimulatedPlatform.create({ shape: "moodle", origin: "https://moodle-c.example.edu" });
});
beforeEach(() => {
  routeFetchTo([siteA, siteB, siteC]);
  // A tenant per test: the namespace decision is per tenant and fixed once made.
  tenant = `two-sites-${crypto.randomUUID().slice(0, 8)}`;
});
afterEach(() => {
  vi.restoreAllMocks();
});

const nsOf = (site: SimulatedPlatform) => platformNamespace(site.issuer, site.clientId);

/** Launches user "5" in course "42" from a site; the launch JSON and the verified token's claims. */
async function launchUser5(site: SimulatedPlatform, roles: string[] = [ROLE.learner]) {
  const { response } = await launch(site, {
    user: { sub: "5", name: "Five", roles },
    context: { id: "42", title: "Course 42" },
  });
  expect(response.status).toBe(200);
  const json = await launchJson(response);
  return { json, claims: await verifyApiToken(env, json.apiToken) };
}

/** Rewrites a registration and its tenant as a release before namespacing left them. */
async function asLegacy(site: SimulatedPlatform, createdAt: string) {
  const reg = await getRegistration(env, site.issuer, site.clientId);
  if (!reg) throw new Error("not registered");
  const { idNamespace: _dropped, ...legacy } = reg;
  await putRegistration(env, { ...legacy, createdAt });
  const record = await getTenant(env, reg.tenantId);
  const { rawIdsRegistration: _claim, ...rest } = record ?? {};
  await env.PLATFORMS.put(`tenant:${reg.tenantId}`, JSON.stringify(rest));
}

describe("user and course ids namespaced by platform (issue 13 finding 5)", () => {
  it("keeps the first platform's ids raw and scopes a second platform's in the same tenant", async () => {
    await register(siteA, { tenantId: tenant });
    await register(siteB, { tenantId: tenant });
    const a = await launchUser5(siteA);
    const b = await launchUser5(siteB);
    expect(a.claims).toMatchObject({ tenantId: tenant, userId: "5", contextId: "42" });
    const ns = await nsOf(siteB);
    expect(b.claims).toMatchObject({ tenantId: tenant, userId: `${ns}:5`, contextId: `${ns}:42` });
    expect(b.json.context.id).toBe(`${ns}:42`);
    expect((await getRegistration(env, siteA.issuer, siteA.clientId))?.idNamespace).toBe("");
    expect((await getRegistration(env, siteB.issuer, siteB.clientId))?.idNamespace).toBe(ns);
  });

  it("fixes the namespace at first activation: re-posting, deactivating and reactivating keep it", async () => {
    await register(siteA, { tenantId: tenant });
    await register(siteB, { tenantId: tenant });
    await register(siteA, { tenantId: tenant, name: "renamed" });
    const ref = { issuer: siteA.issuer, clientId: siteA.clientId };
    expect((await adminPost("/admin/platforms/deactivate", ref)).status).toBe(200);
    expect((await adminPost("/admin/platforms/activate", ref)).status).toBe(200);
    expect((await getRegistration(env, siteA.issuer, siteA.clientId))?.idNamespace).toBe("");
    expect((await launchUser5(siteA)).claims.userId).toBe("5");
  });

  it("never hands a deleted primary's raw ids to another platform of the tenant", async () => {
    await register(siteA, { tenantId: tenant });
    expect(
      (await adminPost("/admin/platforms/delete", { issuer: siteA.issuer, clientId: siteA.clientId })).status,
    ).toBe(200);
    await register(siteB, { tenantId: tenant });
    expect((await launchUser5(siteB)).claims.userId).toBe(`${await nsOf(siteB)}:5`);
    // The primary itself, registered again, finds its learners where they were.
    await register(siteA, { tenantId: tenant });
    expect((await launchUser5(siteA)).claims.userId).toBe("5");
  });

  it("decides a registration moved to another tenant afresh there", async () => {
    await register(siteA, { tenantId: tenant });
    const other = `${tenant}-moved`;
    await register(siteB, { tenantId: other });
    // Site A was its old tenant's primary; in site B's tenant it is the second platform.
    await register(siteA, { tenantId: other });
    expect((await launchUser5(siteA)).claims).toMatchObject({ tenantId: other, userId: `${await nsOf(siteA)}:5` });
  });

  it("scopes a pending registration's ids when an operator activates it second", async () => {
    await register(siteA, { tenantId: tenant });
    await register(siteB, { tenantId: tenant });
    const pending = await getRegistration(env, siteB.issuer, siteB.clientId);
    if (!pending) throw new Error("not registered");
    const { idNamespace: _n, ...unassigned } = pending;
    await putRegistration(env, { ...unassigned, status: "pending" });
    expect(
      (await adminPost("/admin/platforms/activate", { issuer: siteB.issuer, clientId: siteB.clientId })).status,
    ).toBe(200);
    expect((await launchUser5(siteB)).claims.contextId).toBe(`${await nsOf(siteB)}:42`);
  });
});

describe("registrations written before namespacing", () => {
  it("keeps the tenant's oldest legacy platform raw and scopes the other, whichever launches first", async () => {
    await register(siteA, { tenantId: tenant });
    await register(siteB, { tenantId: tenant });
    const earlier = new Date(Date.now() - 86_400_000).toISOString();
    await asLegacy(siteB, earlier);
    await asLegacy(siteA, new Date(Date.now() - 3_600_000).toISOString());
    // B is the older one: it keeps raw ids even though A launches first.
    const a = await launchUser5(siteA);
    const b = await launchUser5(siteB);
    expect(a.claims.userId).toBe(`${await nsOf(siteA)}:5`);
    expect(b.claims.userId).toBe("5");
    // Decided once: written back to the record and the tenant names its primary.
    expect((await getRegistration(env, siteA.issuer, siteA.clientId))?.idNamespace).toBe(await nsOf(siteA));
    expect((await getTenant(env, tenant))?.rawIdsRegistration).toEqual({
      issuer: siteB.issuer,
      clientId: siteB.clientId,
    });
  });

  it("keeps a lone legacy platform's ids raw and scopes a platform added after the upgrade", async () => {
    await register(siteA, { tenantId: tenant });
    await asLegacy(siteA, new Date(Date.now() - 86_400_000).toISOString());
    await register(siteC, { tenantId: tenant });
    expect((await launchUser5(siteC)).claims.userId).toBe(`${await nsOf(siteC)}:5`);
    expect((await launchUser5(siteA)).claims.userId).toBe("5");
  });
});

describe("a namespaced caller naming its course in an /api URL", () => {
  it("may use the platform's raw course id; the service sees the stored id", async () => {
    await register(siteA, { tenantId: tenant });
    await register(siteB, { tenantId: tenant });
    const b = await launchUser5(siteB, [ROLE.instructor]);
    const ns = await nsOf(siteB);
    const analytics = vi.spyOn(env.ANALYTICS, "fetch");
    const res = await exports.default.fetch(
      new Request("http://localhost/api/courses/42/insights", {
        headers: { Authorization: `Bearer ${b.json.apiToken}` },
      }),
    );
    expect(res.status).toBe(200);
    const sent = analytics.mock.calls[0]?.[0];
    if (!(sent instanceof Request)) throw new Error("not forwarded");
    expect(decodeURIComponent(new URL(sent.url).pathname)).toBe(`/api/courses/${ns}:42/insights`);
    // Site A's instructor (primary, raw ids) cannot name site B's course, in any spelling.
    const a = await launchUser5(siteA, [ROLE.instructor]);
    const across = await exports.default.fetch(
      new Request(`http://localhost/api/courses/${encodeURIComponent(`${ns}:42`)}/insights`, {
        headers: { Authorization: `Bearer ${a.json.apiToken}` },
      }),
    );
    expect(across.status).toBe(404);
  });
});
