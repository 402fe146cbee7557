import { env, exports } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { ensureTenant } from "../../tenants/store";

const ADMIN = { Authorization: `Bearer ${env.ADMIN_TOKEN}`, "Content-Type": "application/json" };

function admin(path: string, init: RequestInit = {}) {
  return exports.default.fetch(
    new Request(`http://localhost${path}`, { ...init, headers: { ...ADMIN, ...init.headers } }),
  );
}

type Entry = { id: string; question: string; answer: string; courseId?: string };

describe("/admin/tenants/:tenantId/faq (held by chat, reached over RPC)", () => {
  it("creates, lists, updates and deletes a tenant's FAQ entries", async () => {
    await ensureTenant(env, { tenantId: "faq-uni", name: "FAQ University" });
    const created = await admin("/admin/tenants/faq-uni/faq", {
      method: "POST",
      body: JSON.stringify({ question: "When is office hour?", answer: "Tuesdays at 3 pm.", courseId: "alg-1" }),
    });
    expect(created.status).toBe(201);
    const entry = (await created.json()) as Entry;
    expect(entry).toMatchObject({ question: "When is office hour?", answer: "Tuesdays at 3 pm.", courseId: "alg-1" });

    const listed = (await (await admin("/admin/tenants/faq-uni/faq?courseId=alg-1")).json()) as { entries: Entry[] };
    expect(listed.entries.map((e) => e.id)).toEqual([entry.id]);

    const updated = await admin(`/admin/tenants/faq-uni/faq/${entry.id}`, {
      method: "PUT",
      body: JSON.stringify({ question: "When is office hour?", answer: "Wednesdays at 4 pm." }),
    });
    expect(updated.status).toBe(200);
    expect(((await updated.json()) as Entry).answer).toBe("Wednesdays at 4 pm.");

    expect((await admin(`/admin/tenants/faq-uni/faq/${entry.id}`, { method: "DELETE" })).status).toBe(200);
    const gone = await admin(`/admin/tenants/faq-uni/faq/${entry.id}`, { method: "DELETE" });
    expect(gone.status).toBe(404);
    expect(((await gone.json()) as { error: { code: string } }).error.code).toBe("not_found");
  });

  it("keeps one tenant's entries out of another's list", async () => {
    await ensureTenant(env, { tenantId: "faq-a", name: "A" });
    await ensureTenant(env, { tenantId: "faq-b", name: "B" });
    await admin("/admin/tenants/faq-a/faq", { method: "POST", body: JSON.stringify({ question: "q", answer: "a" }) });
    const listed = (await (await admin("/admin/tenants/faq-b/faq")).json()) as { entries: Entry[] };
    expect(listed.entries).toEqual([]);
  });

  it("refuses bad input with 400, an unknown tenant with 404 and a missing token with 401", async () => {
    await ensureTenant(env, { tenantId: "faq-c", name: "C" });
    const bad = await admin("/admin/tenants/faq-c/faq", { method: "POST", body: JSON.stringify({ question: "" }) });
    expect(bad.status).toBe(400);
    const unknown = await admin("/admin/tenants/no-such-tenant/faq");
    expect(unknown.status).toBe(404);
    const anonymous = await exports.default.fetch(new Request("http://localhost/admin/tenants/faq-c/faq"));
    expect(anonymous.status).toBe(401);
  });
});
