import { env } from "cloudflare:workers";
import { IdSchema } from "@atomic-guide/shared";
import * as v from "valibot";
import { afterEach, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { SimulatedPlatform } from "../../../../testing/lti-platform";
import { launch, launchJson, register, routeFetchTo } from "../lti/test-harness";
import { verifyApiToken } from "./api-token";
import { platformNamespace, platformScopedId } from "./platform-ids";

let siteA: SimulatedPlatform;
let siteB: SimulatedPlatform;
const TENANT = "two-sites-university";

beforeAll(async () => {
  siteA = await SimulatedPlatform.create({ shape: "moodle", origin: "https://moodle-a.example.edu" });
  siteB = await SimulatedPlatform.create({ shape: "moodle", origin: "https://moodle-b.example.edu" });
});
beforeEach(async () => {
  routeFetchTo([siteA, siteB]);
  // One institution, two platforms: both registrations belong to the same tenant.
  await register(siteA, { tenantId: TENANT });
  await register(siteB, { tenantId: TENANT });
});
afterEach(() => {
  vi.restoreAllMocks();
});

/** Launches user "5" in course "42" from a site; returns the launch JSON and the verified token. */
async function launchUser5(site: SimulatedPlatform) {
  const { response } = await launch(site, {
    user: { sub: "5", name: "Five", roles: ["http://purl.imsglobal.org/vocab/lis/v2/membership#Learner"] },
    context: { id: "42", title: "Course 42" },
  });
  expect(response.status).toBe(200);
  const json = await launchJson(response);
  return { json, claims: await verifyApiToken(env, json.apiToken) };
}

describe("user and course ids are namespaced by platform (issue 13 finding 5)", () => {
  it("keeps user 5 and course 42 of two sites in one tenant apart", async () => {
    const a = await launchUser5(siteA);
    const b = await launchUser5(siteB);
    expect(a.claims.tenantId).toBe(TENANT);
    expect(b.claims.tenantId).toBe(TENANT);
    expect(a.claims.userId).not.toBe(b.claims.userId);
    expect(a.claims.contextId).not.toBe(b.claims.contextId);
    expect(a.json.context.id).toBe(a.claims.contextId);
    // Each is the platform's id under that registration's namespace.
    expect(a.claims.userId).toBe(await platformScopedId(await platformNamespace(siteA.issuer, siteA.clientId), "5"));
    expect(b.claims.contextId).toBe(
      await platformScopedId(await platformNamespace(siteB.issuer, siteB.clientId), "42"),
    );
  });

  it("gives the same learner the same ids on every launch from one site", async () => {
    const first = await launchUser5(siteA);
    const again = await launchUser5(siteA);
    expect(again.claims.userId).toBe(first.claims.userId);
    expect(again.claims.contextId).toBe(first.claims.contextId);
  });

  it("keeps scoped ids within IdSchema, hashing ones that would not fit", async () => {
    const ns = await platformNamespace("https://lms.example.edu", "client-1");
    expect(ns).toMatch(/^p[0-9a-f]{24}$/);
    for (const raw of ["5", "x".repeat(255), "Zoë", "a b"]) {
      const id = await platformScopedId(ns, raw);
      expect(v.is(IdSchema, id), raw).toBe(true);
      expect(id.startsWith(`${ns}:`)).toBe(true);
      expect(await platformScopedId(ns, raw)).toBe(id);
    }
    expect(await platformScopedId(ns, "x".repeat(255))).not.toBe(await platformScopedId(ns, "x".repeat(254)));
  });
});
