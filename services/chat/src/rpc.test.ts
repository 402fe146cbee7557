import { env, exports } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { aiDouble } from "./testing/doubles";
import { ask, call, learner } from "./testing/helpers";

describe("chat RPC", () => {
  it("keeps the newest learner profile and lets it shape the next explanation", async () => {
    const me = learner();
    const newer = {
      updatedAt: "2026-11-24T10:00:00.000Z",
      struggleLevel: "struggling" as const,
      preferredStyle: "examples" as const,
    };
    const older = { updatedAt: "2026-11-24T09:00:00.000Z", preferredStyle: "concise" as const };
    expect(await exports.default.updateLearnerProfile(me, newer)).toEqual({ stored: true });
    expect(await exports.default.updateLearnerProfile(me, older)).toEqual({ stored: false });
    const marker = crypto.randomUUID();
    await ask(me, { message: `What is a prime number? ${marker}` });
    const [callMade] = await aiDouble().callsWith(marker);
    const user = callMade?.input.messages.at(-1)?.content ?? "";
    expect(user).toContain("Lead with a worked example.");
    expect(user).not.toContain("Be brief.");
  });

  it("validates RPC arguments", async () => {
    const me = learner();
    const badProfile = await exports.default.updateLearnerProfile(me, { updatedAt: "yesterday" }).then(
      () => null,
      (e: unknown) => e,
    );
    expect(badProfile).toMatchObject({ code: "invalid_request", status: 400 });
    const badAuth = await exports.default.suggest({ ...me, tenantId: "Not A Slug" }, { trigger: "idle" }).then(
      () => null,
      (e: unknown) => e,
    );
    expect(badAuth).toMatchObject({ code: "invalid_request", status: 400 });
  });

  it("suggests proactively for struggle-detector", async () => {
    const me = learner();
    const result = await exports.default.suggest(me, { trigger: "struggle", pageContext: { pageTitle: "Fractions" } });
    expect(result.provider).toBe("offline");
    expect(result.suggestion).toContain("Fractions");
  });

  it("exports the learner's conversations, then erases them everywhere", async () => {
    const me = learner();
    const neighbour = { ...me, userId: "neighbour" };
    await exports.default.updateLearnerProfile(me, { updatedAt: "2026-11-24T10:00:00.000Z", readingLevel: "basic" });
    const reply = await ask(me, { message: "Export me" }, { provider: "offline" });
    const theirs = await ask(neighbour, { message: "Keep me" }, { provider: "offline" });
    const stub = env.CHAT_CONVERSATIONS.get(
      env.CHAT_CONVERSATIONS.idFromName(`${me.tenantId}:${reply.conversationId}`),
    );
    await stub.archiveNow();

    const exported = (await exports.default.exportLearner(me)) as {
      profile: { readingLevel: string };
      conversations: { conversationId: string; messages: { content: string }[] }[];
    };
    expect(exported.profile.readingLevel).toBe("basic");
    expect(exported.conversations).toHaveLength(1);
    expect(exported.conversations[0]?.messages.map((m) => m.content)).toEqual(["Export me", reply.response]);

    const erased = await exports.default.eraseLearner(me);
    expect(erased.deleted).toBeGreaterThanOrEqual(3);
    const after = (await exports.default.exportLearner(me)) as { profile: unknown; conversations: unknown[] };
    expect(after.profile).toBeNull();
    expect(after.conversations).toEqual([]);
    expect((await call(me, "GET", `/api/chat/history/${reply.conversationId}`)).status).toBe(404);
    const rows = await env.DB.prepare("SELECT COUNT(*) AS n FROM messages WHERE tenant_id = ? AND user_id = ?")
      .bind(me.tenantId, me.userId)
      .first<{ n: number }>();
    expect(rows?.n).toBe(0);
    // The neighbour keeps everything.
    expect((await call(neighbour, "GET", `/api/chat/history/${theirs.conversationId}`)).status).toBe(200);
  });
});
