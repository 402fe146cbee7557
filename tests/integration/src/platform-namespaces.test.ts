// Issue 13, finding 5: one institution (tenant) with two LMS platforms. Both send user "5" and
// course "42"; they are two learners and two courses, in chat, export, erasure and course
// insight. The tenant's first platform keeps its raw ids, so single-platform data and URLs stay.
import { type RunningSystem, startSystem } from "@atomic-guide/testing/system";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { api, eventually, type Launched, launch, stopSystem, stuckBurst } from "../../support/flows";

const COURSE = "42";
const USER = "5";

interface Export {
  userId: string;
  services: { chat: { conversations: { conversationId: string }[] } };
}

async function exportOf(system: RunningSystem, who: Launched): Promise<{ status: number; body: Export; text: string }> {
  const res = await api(system, who.apiToken, "/api/learners/me/export");
  const text = await res.text();
  return { status: res.status, body: JSON.parse(text) as Export, text };
}

async function ask(system: RunningSystem, who: Launched, message: string): Promise<string> {
  const res = await api(system, who.apiToken, "/api/chat/message", { body: { message } });
  if (res.status !== 200) throw new Error(`chat: ${res.status} ${await res.text()}`);
  return ((await res.json()) as { conversationId: string }).conversationId;
}

async function conversationsOf(system: RunningSystem, who: Launched): Promise<string[]> {
  const res = await api(system, who.apiToken, "/api/chat/conversations");
  const body = (await res.json()) as { conversations: { conversationId: string }[] };
  return body.conversations.map((c) => c.conversationId);
}

describe("two platforms in one tenant keep user 5 and course 42 apart", () => {
  let system: RunningSystem;
  let siteA: Launched;
  let siteB: Launched;
  let teacherA: Launched;
  let teacherB: Launched;

  beforeAll(async () => {
    system = await startSystem();
    // The tenant's own platform first (its primary), then a second site of the same tenant.
    siteA = await launch(system, { role: "learner", userId: USER, contextId: COURSE });
    siteB = await launch(system, { role: "learner", userId: USER, contextId: COURSE, site: "b" });
    teacherA = await launch(system, { role: "instructor", contextId: COURSE });
    teacherB = await launch(system, { role: "instructor", contextId: COURSE, site: "b" });
  });
  afterAll(() => stopSystem(system));

  it("keeps the first platform's ids raw and scopes the second's", () => {
    expect(siteA.launchJson.tenantId).toBe(siteB.launchJson.tenantId);
    expect(siteA.launchJson.context.id).toBe(COURSE);
    expect(siteB.launchJson.context.id).toMatch(/^p[0-9a-f]{24}:42$/);
    expect(teacherB.launchJson.context.id).toBe(siteB.launchJson.context.id);
  });

  it("gives each site's user 5 their own chat history and export", async () => {
    const aConversation = await ask(system, siteA, "What does the mill do? (site-a-marker)");
    const bConversation = await ask(system, siteB, "What does the store do? (site-b-marker)");
    expect(await conversationsOf(system, siteA)).toEqual([aConversation]);
    expect(await conversationsOf(system, siteB)).toEqual([bConversation]);
    const history = await api(system, siteB.apiToken, `/api/chat/history/${aConversation}`);
    expect(history.status).toBe(404);

    const a = await exportOf(system, siteA);
    const b = await exportOf(system, siteB);
    expect(a.body.userId).toBe(USER);
    expect(b.body.userId).toBe(`${siteB.launchJson.context.id.split(":")[0]}:${USER}`);
    expect(a.text).toContain("site-a-marker");
    expect(a.text).not.toContain("site-b-marker");
    expect(b.text).toContain("site-b-marker");
    expect(b.text).not.toContain("site-a-marker");
  });

  it("shows each site's instructor only their own course 42, by raw or scoped id", async () => {
    const signals = await api(system, siteA.apiToken, "/api/cognitive/signals", {
      body: { signals: stuckBurst("q-site-a") },
    });
    expect(signals.status).toBe(202);
    // Learning events reach analytics in the background; wait (bounded) for site A's.
    const aInsight = await eventually(
      async () =>
        JSON.stringify(await (await api(system, teacherA.apiToken, `/api/courses/${COURSE}/insights`)).json()),
      (text) => text.includes("q-site-a"),
    );
    expect(aInsight).toContain("q-site-a");
    const scoped = encodeURIComponent(teacherB.launchJson.context.id);
    for (const path of [`/api/courses/${COURSE}/insights`, `/api/courses/${scoped}/insights`]) {
      const res = await api(system, teacherB.apiToken, path);
      expect(res.status, path).toBe(200);
      expect(JSON.stringify(await res.json()), path).not.toContain("q-site-a");
    }
    // Site A's instructor cannot name site B's course.
    expect((await api(system, teacherA.apiToken, `/api/courses/${scoped}/insights`)).status).toBe(404);
  });

  it("erases site B's user 5 without touching site A's", async () => {
    const res = await api(system, siteB.apiToken, "/api/learners/me", { method: "DELETE" });
    expect(res.status).toBe(202);
    expect(((await res.json()) as { status: string }).status).toBe("complete");
    expect((await api(system, siteB.apiToken, "/api/learners/me/export")).status).toBe(401);

    const a = await exportOf(system, siteA);
    expect(a.status).toBe(200);
    expect(a.body.services.chat.conversations).toHaveLength(1);
    expect(a.text).toContain("site-a-marker");
  });
});
