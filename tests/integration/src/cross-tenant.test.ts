// Tenant isolation, probed route by route: tenant B's valid token, for a user with the same LTI
// user id in a course with the same id as tenant A's (the hardest case), naming each of tenant
// A's resources, gets 404 exactly as for a resource that does not exist, and changes nothing.
import { type RunningSystem, startSystem } from "@atomic-guide/testing/system";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { api, eventually, type Launched, launch, stopSystem, stuckBurst } from "../../support/flows";

const SAME_USER = "shared-lti-user-42";
const SAME_COURSE = "course-shared-101";

describe("another tenant's token never reaches tenant A's resources", () => {
  let system: RunningSystem;
  let a: Launched;
  let aInstructor: Launched;
  let b: Launched;
  let bInstructor: Launched;
  let conversationId: string;
  let interventionId: string;
  let sessionId: string;

  beforeAll(async () => {
    system = await startSystem();
    a = await launch(system, { role: "learner", tenant: "uni-a", userId: SAME_USER, contextId: SAME_COURSE });
    aInstructor = await launch(system, { role: "instructor", tenant: "uni-a", contextId: SAME_COURSE });
    b = await launch(system, { role: "learner", tenant: "uni-b", userId: SAME_USER, contextId: SAME_COURSE });
    bInstructor = await launch(system, { role: "instructor", tenant: "uni-b", contextId: SAME_COURSE });
    const chat = await api(system, a.apiToken, "/api/chat/message", { body: { message: "What is an integral?" } });
    conversationId = ((await chat.json()) as { conversationId: string }).conversationId;
    const signals = await api(system, a.apiToken, "/api/cognitive/signals", { body: { signals: stuckBurst("q-1") } });
    const ingested = (await signals.json()) as {
      sessionId: string;
      intervention?: { id?: string; interventionId?: string };
    };
    sessionId = ingested.sessionId;
    interventionId = ingested.intervention?.id ?? ingested.intervention?.interventionId ?? "";
    expect(interventionId, "tenant A's learner got an intervention to probe with").not.toBe("");
  });
  afterAll(() => stopSystem(system));

  async function expectSameAsMissing(res: Response, missing: Response, what: string) {
    expect(res.status, what).toBe(404);
    expect(missing.status, `${what} (missing resource)`).toBe(404);
    const [body, missingBody] = [await res.json(), await missing.json()];
    expect(body, `${what}: the body tells nothing a missing resource would not`).toEqual(missingBody);
  }

  it("GET /api/chat/history/:id", async () => {
    await expectSameAsMissing(
      await api(system, b.apiToken, `/api/chat/history/${conversationId}`),
      await api(system, b.apiToken, "/api/chat/history/00000000-0000-4000-8000-000000000000"),
      "history",
    );
  });

  it("POST /api/chat/message into tenant A's conversation, which stays unchanged", async () => {
    const before = (await (await api(system, a.apiToken, `/api/chat/history/${conversationId}`)).json()) as {
      messages: unknown[];
    };
    await expectSameAsMissing(
      await api(system, b.apiToken, "/api/chat/message", { body: { conversationId, message: "hijack" } }),
      await api(system, b.apiToken, "/api/chat/message", {
        body: { conversationId: "00000000-0000-4000-8000-000000000000", message: "hijack" },
      }),
      "message into another tenant's conversation",
    );
    const after = (await (await api(system, a.apiToken, `/api/chat/history/${conversationId}`)).json()) as {
      messages: unknown[];
    };
    expect(after.messages.length).toBe(before.messages.length);
  });

  it("POST /api/interventions/:id/respond", async () => {
    await expectSameAsMissing(
      await api(system, b.apiToken, `/api/interventions/${interventionId}/respond`, { body: { action: "helpful" } }),
      await api(system, b.apiToken, "/api/interventions/no-such-intervention/respond", { body: { action: "helpful" } }),
      "respond",
    );
  });

  it("the 'me' routes show tenant B's learner nothing of tenant A's learner with the same user id", async () => {
    const sessions = (await (await api(system, b.apiToken, "/api/learners/me/sessions")).json()) as {
      sessions: { sessionId: string }[];
    };
    expect(sessions.sessions.map((s) => s.sessionId)).not.toContain(sessionId);
    const interventions = (await (await api(system, b.apiToken, "/api/learners/me/interventions")).json()) as {
      interventions: { id?: string; interventionId?: string }[];
    };
    expect(interventions.interventions.map((i) => i.id ?? i.interventionId)).not.toContain(interventionId);
    const conversations = (await (await api(system, b.apiToken, "/api/chat/conversations")).json()) as {
      conversations: { conversationId: string }[];
    };
    expect(conversations.conversations.map((c) => c.conversationId)).not.toContain(conversationId);
    const exported = JSON.stringify(await (await api(system, b.apiToken, "/api/learners/me/export")).json());
    expect(exported).not.toContain(conversationId);
    expect(exported).not.toContain(interventionId);
  });

  it("course insight for the same course id shows tenant B's instructor none of tenant A's activity", async () => {
    // Learning events reach analytics asynchronously; wait (bounded) until tenant A's shows up.
    const aInsight = await eventually(
      async () =>
        JSON.stringify(await (await api(system, aInstructor.apiToken, `/api/courses/${SAME_COURSE}/insights`)).json()),
      (text) => text.includes("q-1"),
    );
    expect(aInsight).toContain("q-1");
    const bRes = await api(system, bInstructor.apiToken, `/api/courses/${SAME_COURSE}/insights`);
    expect(bRes.status).toBe(200);
    expect(JSON.stringify(await bRes.json())).not.toContain("q-1");
  });
});
