import { env, exports } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { SimulatedPlatform } from "../../../../../tests/support/lti-platform";
import { platformNamespace } from "../../auth/platform-ids";
import { register } from "../../lti/test-harness";

const ADMIN = { Authorization: `Bearer ${env.ADMIN_TOKEN}`, "Content-Type": "application/json" };

function admin(path: string, init: RequestInit = {}) {
  return exports.default.fetch(
    new Request(`http://localhost${path}`, { ...init, headers: { ...ADMIN, ...init.headers } }),
  );
}

type Entry = { id: string; courseId?: string };

async function createFaq(tenant: string, courseId: string, query = "") {
  return admin(`/admin/tenants/${tenant}/faq${query}`, {
    method: "POST",
    body: JSON.stringify({ question: "Where are the slides?", answer: "Under Files.", courseId }),
  });
}

describe("FAQ course ids with two platforms in one tenant (issue 13 finding 5)", () => {
  it("scopes a raw course id with the named platform, or reads it as the primary platform's", async () => {
    const tenant = "faq-two-sites";
    const siteA = await SimulatedPlatform.create({ shape: "moodle", origin: "https://faq-a.example.edu" });
    const siteB = await SimulatedPlatform.create({ shape: "moodle", origin: "https://faq-b.example.edu" });
    await register(siteA, { tenantId: tenant });
    await register(siteB, { tenantId: tenant });
    const ns = await platformNamespace(siteB.issuer, siteB.clientId);
    const siteBQuery = `?${new URLSearchParams({ issuer: siteB.issuer, clientId: siteB.clientId })}`;

    const onB = (await (await createFaq(tenant, "42", siteBQuery)).json()) as Entry;
    expect(onB.courseId).toBe(`${ns}:42`);
    const onA = (await (await createFaq(tenant, "42")).json()) as Entry;
    expect(onA.courseId).toBe("42");
    const named = (await (await createFaq(tenant, `${ns}:42`)).json()) as Entry;
    expect(named.courseId).toBe(`${ns}:42`);

    const listB = (await (await admin(`/admin/tenants/${tenant}/faq${siteBQuery}&courseId=42`)).json()) as {
      entries: Entry[];
    };
    expect(listB.entries.map((e) => e.id).sort()).toEqual([onB.id, named.id].sort());
    const listA = (await (await admin(`/admin/tenants/${tenant}/faq?courseId=42`)).json()) as { entries: Entry[] };
    expect(listA.entries.map((e) => e.id)).toEqual([onA.id]);
  });

  it("refuses half a platform (400) and another tenant's platform (404), storing nothing", async () => {
    const mine = await SimulatedPlatform.create({ shape: "moodle", origin: "https://faq-mine.example.edu" });
    const theirs = await SimulatedPlatform.create({ shape: "moodle", origin: "https://faq-theirs.example.edu" });
    await register(mine, { tenantId: "faq-mine" });
    await register(theirs, { tenantId: "faq-theirs" });
    const half = await createFaq("faq-mine", "42", `?${new URLSearchParams({ issuer: mine.issuer })}`);
    expect(half.status).toBe(400);
    const other = await createFaq(
      "faq-mine",
      "42",
      `?${new URLSearchParams({ issuer: theirs.issuer, clientId: theirs.clientId })}`,
    );
    expect(other.status).toBe(404);
    expect(((await other.json()) as { error: { code: string } }).error.code).toBe("registration_not_found");
    const listed = (await (await admin("/admin/tenants/faq-mine/faq")).json()) as { entries: Entry[] };
    expect(listed.entries).toEqual([]);
  });
});
