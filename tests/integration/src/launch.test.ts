// Issue 3's end-to-end "done when": a simulated LMS launches a learner and an instructor into the
// running system, the learner's API token reaches every service through the gateway, and tokens
// that are not a valid API token of this tenant get nothing.
import { type RunningSystem, startSystem } from "@atomic-guide/testing/system";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  adminHeaders,
  api,
  DEFAULT_CONTEXT,
  type Launched,
  launch,
  resignApiToken,
  signalsEndingNow,
  stopSystem,
} from "../../support/flows";

const ENVELOPE = { error: { code: expect.stringMatching(/^[a-z][a-z0-9_]*$/), message: expect.any(String) } };

/** A refusal carries the error envelope and nothing else. */
async function expectRefusal(res: Response, status: number, code?: string) {
  expect(res.status).toBe(status);
  const body = (await res.json()) as { error: { code: string } };
  expect(body).toEqual(ENVELOPE);
  expect(Object.keys(body)).toEqual(["error"]);
  expect(Object.keys(body.error).sort()).toEqual(["code", "message"]);
  if (code) expect(body.error.code).toBe(code);
}

describe("LTI launches from a simulated LMS into the running system", () => {
  let system: RunningSystem;
  let learner: Launched;
  let instructor: Launched;
  let otherTenantLearner: Launched;

  beforeAll(async () => {
    system = await startSystem();
    learner = await launch(system, { role: "learner", tenant: "uni-a", userId: "learner-a1" });
    instructor = await launch(system, { role: "instructor", tenant: "uni-a", userId: "instructor-a1" });
    otherTenantLearner = await launch(system, { role: "learner", tenant: "uni-b", userId: "learner-b1" });
  });
  afterAll(() => stopSystem(system));

  it("launches a learner into the tenant and course with a gateway-signed API token", () => {
    expect(learner.launchJson).toMatchObject({
      tenantId: "uni-a",
      context: { id: DEFAULT_CONTEXT, title: "Analytical Engines 101" },
      messageType: "LtiResourceLinkRequest",
      user: { name: "Ada Lovelace", roles: ["http://purl.imsglobal.org/vocab/lis/v2/membership#Learner"] },
    });
    expect(Date.parse(learner.launchJson.expiresAt)).toBeGreaterThan(Date.now());
    expect(Date.parse(learner.launchJson.expiresAt)).toBeLessThanOrEqual(Date.now() + 3600_000);
    // Our token, not the platform's: a different JWT with our API as its audience.
    expect(learner.apiToken).not.toBe(learner.idToken);
    const payload = JSON.parse(Buffer.from(learner.apiToken.split(".")[1] ?? "", "base64url").toString()) as {
      aud: unknown;
      tenantId: string;
    };
    expect(payload.aud).not.toBe(learner.tenant.platform.clientId);
    expect(payload.tenantId).toBe("uni-a");
  });

  it("launches an instructor into the instructor view and a Canvas-shaped learner into a second tenant", () => {
    expect(instructor.launchJson.tenantId).toBe("uni-a");
    expect(instructor.launchJson.user.roles).toEqual(["http://purl.imsglobal.org/vocab/lis/v2/membership#Instructor"]);
    expect(instructor.launchJson.user.isInstructor).toBe(true);
    expect(learner.launchJson.user.isInstructor).toBe(false);
    expect(otherTenantLearner.launchJson.tenantId).toBe("uni-b");
    expect(otherTenantLearner.tenant.platform.shape).toBe("canvas");
  });

  it("serves a working page for each view: who is launched into which course, and the web app's entry points", () => {
    for (const { html, name } of [
      { html: learner.html, name: "Ada Lovelace" },
      { html: instructor.html, name: "Grace Hopper" },
    ]) {
      const main = /<main id="app"[^>]*>([\s\S]*?)<\/main>/.exec(html)?.[1] ?? "";
      expect(main).toContain(name);
      expect(main).toContain("Analytical Engines 101");
      expect(html).toContain('<script type="module" src="/app/main.js"></script>');
      expect(html).toContain('<link rel="stylesheet" href="/app/main.css">');
    }
    // The two views differ: the instructor's is not the learner's page with another name.
    const strip = (html: string, name: string) =>
      (/<main id="app"[^>]*>([\s\S]*?)<\/main>/.exec(html)?.[1] ?? "").replaceAll(name, "");
    expect(strip(instructor.html, "Grace Hopper")).not.toBe(strip(learner.html, "Ada Lovelace"));
  });

  it("the learner's token reaches struggle-detector through the gateway", async () => {
    const signals = await api(system, learner.apiToken, "/api/cognitive/signals", {
      body: { signals: signalsEndingNow([{ type: "hover", elementId: "intro", durationMs: 1200 }]) },
    });
    expect(signals.status).toBe(202);
    expect(await signals.json()).toMatchObject({ accepted: 1, struggle: { level: "none" } });

    const profile = await api(system, learner.apiToken, "/api/learners/me/profile");
    expect(profile.status).toBe(200);
    expect(JSON.stringify(await profile.json())).not.toContain("learner-b1");
  });

  it("the learner's token reaches chat through the gateway, answered offline", async () => {
    const res = await api(system, learner.apiToken, "/api/chat/message", {
      body: { message: "What does the mill of the analytical engine do?" },
    });
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({
      conversationId: expect.any(String),
      messageId: expect.any(String),
      response: expect.any(String),
      provider: "offline",
    });
  });

  it("analytics answers the instructor's overview; a learner gets 403 instructor_only (the contract's insight rule)", async () => {
    const overview = await api(system, instructor.apiToken, "/api/analytics/overview");
    expect(overview.status).toBe(200);
    expect(await overview.json()).toMatchObject({ usage: expect.anything(), services: expect.anything() });
    await expectRefusal(await api(system, learner.apiToken, "/api/analytics/overview"), 403, "instructor_only");
  });

  it("refuses an expired API token with 401 token_expired and no data", async () => {
    const past = Math.floor(Date.now() / 1000) - 7200;
    const expired = await resignApiToken(learner.apiToken, (c) => {
      c.iat = past;
      c.exp = past + 3600;
    });
    // The same re-signing with live times is accepted, so the refusal is the expiry alone.
    const live = await resignApiToken(learner.apiToken, () => {});
    expect((await api(system, live, "/api/learners/me/profile")).status).toBe(200);
    for (const path of ["/api/learners/me/profile", "/api/chat/conversations", "/api/learners/me/export"]) {
      await expectRefusal(await api(system, expired, path), 401, "token_expired");
    }
  });

  it("refuses a token issued by another installation of the tool, or naming a tenant this one does not know, with 401", async () => {
    const elsewhere = await resignApiToken(learner.apiToken, () => {}, "another-installations-secret-0123456789abcdef");
    await expectRefusal(await api(system, elsewhere, "/api/learners/me/profile"), 401, "invalid_token");
    const unknownTenant = await resignApiToken(learner.apiToken, (c) => {
      c.tenantId = "uni-nowhere";
    });
    await expectRefusal(await api(system, unknownTenant, "/api/learners/me/export"), 401, "invalid_token");
  });

  it("refuses the platform-signed id_token as an API token with 401 and no data", async () => {
    for (const path of ["/api/learners/me/profile", "/api/chat/conversations", "/api/learners/me/export"]) {
      await expectRefusal(await api(system, learner.idToken, path), 401, "invalid_token");
    }
    await expectRefusal(await api(system, "", "/api/learners/me/profile"), 401);
  });

  it("a token of another tenant naming this tenant's resources gets 404, as if they did not exist", async () => {
    const chat = (await (
      await api(system, learner.apiToken, "/api/chat/message", { body: { message: "Tell me about Babbage." } })
    ).json()) as { conversationId: string };
    const mine = await api(system, learner.apiToken, `/api/chat/history/${chat.conversationId}`);
    expect(mine.status).toBe(200);

    const foreign = await api(system, otherTenantLearner.apiToken, `/api/chat/history/${chat.conversationId}`);
    const missing = await api(system, otherTenantLearner.apiToken, `/api/chat/history/${crypto.randomUUID()}`);
    expect(foreign.status).toBe(404);
    expect(missing.status).toBe(404);
    expect(await foreign.json()).toEqual(await missing.json());

    const conversations = (await (
      await api(system, otherTenantLearner.apiToken, "/api/chat/conversations")
    ).json()) as { conversations: unknown[] };
    expect(JSON.stringify(conversations)).not.toContain(chat.conversationId);
  });

  it("a tenant's feature flag turns its routes off (403 feature_disabled) for that tenant only", async () => {
    const put = (tenantId: string, flags: Record<string, unknown>) =>
      system.fetch(`/admin/tenants/${tenantId}/flags`, {
        method: "PUT",
        headers: adminHeaders,
        body: JSON.stringify(flags),
      });
    expect((await put("uni-b", { chat: false })).status).toBe(200);
    try {
      const off = await api(system, otherTenantLearner.apiToken, "/api/chat/conversations");
      expect(off.status).toBe(403);
      expect(await off.json()).toEqual({ error: { code: "feature_disabled", message: expect.any(String) } });
      expect((await api(system, learner.apiToken, "/api/chat/conversations")).status).toBe(200);
      // Privacy routes never switch off.
      expect((await api(system, otherTenantLearner.apiToken, "/api/learners/me/export")).status).toBe(200);
    } finally {
      expect((await put("uni-b", { chat: true })).status).toBe(200);
    }
  });

  it("a realtime ticket opens one socket once, and is not an API token", async () => {
    const res = await api(system, learner.apiToken, "/api/realtime/ticket", { method: "POST" });
    expect(res.status).toBe(200);
    const { ticket, expiresIn } = (await res.json()) as { ticket: string; expiresIn: number };
    expect(expiresIn).toBeGreaterThan(0);
    expect(expiresIn).toBeLessThanOrEqual(60);
    await expectRefusal(await api(system, ticket, "/api/learners/me/profile"), 401);
    const upgrade = () =>
      system.mf.dispatchFetch(`http://localhost:8787/ws/signals?ticket=${ticket}`, {
        headers: { Upgrade: "websocket" },
      });
    const first = await upgrade();
    expect(first.status).toBe(101);
    first.webSocket?.accept();
    first.webSocket?.close(1000, "done");
    const replay = await upgrade();
    expect(replay.status).toBe(401);
    expect(await replay.json()).toEqual({ error: { code: "invalid_ticket", message: expect.any(String) } });
  });
});
