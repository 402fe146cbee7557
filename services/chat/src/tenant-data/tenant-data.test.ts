import { env, exports } from "cloudflare:workers";
import { socketPolicyKey } from "@atomic-guide/shared";
import { readRetentionPolicy } from "@atomic-guide/shared/learner-retention/tenant-policy";
import { describe, expect, it } from "vitest";
import { ask, call, learner } from "../testing/helpers";

const DAY_MS = 86_400_000;

async function archived(tenantId: string, conversationId: string) {
  await env.CHAT_CONVERSATIONS.get(env.CHAT_CONVERSATIONS.idFromName(`${tenantId}:${conversationId}`)).archiveNow();
}

/** One offline turn of `me`'s, archived to D1 as the conversation object would after it. */
async function archivedTurn(me: ReturnType<typeof learner>, message: string) {
  const reply = await ask(me, { message }, { provider: "offline" });
  await archived(me.tenantId, reply.conversationId);
  return reply;
}

const count = async (table: "conversations" | "messages", tenantId: string) =>
  (await env.DB.prepare(`SELECT COUNT(*) AS n FROM ${table} WHERE tenant_id = ?`).bind(tenantId).first<{ n: number }>())
    ?.n ?? 0;

/** Makes an archived conversation look idle for `days`, as D1 would after that long. */
async function ageConversation(tenantId: string, conversationId: string, days: number) {
  const at = new Date(Date.now() - days * DAY_MS).toISOString();
  await env.DB.prepare("UPDATE conversations SET updated_at = ? WHERE tenant_id = ? AND conversation_id = ?")
    .bind(at, tenantId, conversationId)
    .run();
}

interface ChatExport {
  profile: unknown;
  conversations: { conversationId: string }[];
}

describe("retention sweep", () => {
  it("erases conversations idle past the tenant's period, object and rows, and keeps recent ones", async () => {
    const me = learner();
    const old = await archivedTurn(me, "An old question");
    const recent = await archivedTurn(me, "A recent question");
    await ageConversation(me.tenantId, old.conversationId, 40);

    const removal = await exports.default.sweepExpiredLearnerData({
      tenantId: me.tenantId,
      retentionDays: 30,
      nowMs: Date.now(),
    });
    expect(removal).toMatchObject({ objects: 1, done: true });
    expect(removal.rows).toBeGreaterThanOrEqual(3);
    expect((await call(me, "GET", `/api/chat/history/${old.conversationId}`)).status).toBe(404);
    expect((await call(me, "GET", `/api/chat/history/${recent.conversationId}`)).status).toBe(200);
    const exported = (await exports.default.exportLearner(me)) as ChatExport;
    expect(exported.conversations.map((c) => c.conversationId)).toEqual([recent.conversationId]);
    expect(await count("conversations", me.tenantId)).toBe(1);
  });

  it("empties a learner with nothing left inside the period; a longer period keeps everything", async () => {
    const me = learner();
    await exports.default.updateLearnerProfile(me, { updatedAt: new Date(Date.now() - 50 * DAY_MS).toISOString() });
    const old = await archivedTurn(me, "Long ago");
    await ageConversation(me.tenantId, old.conversationId, 40);

    const kept = await exports.default.sweepExpiredLearnerData({
      tenantId: me.tenantId,
      retentionDays: 60,
      nowMs: Date.now(),
    });
    expect(kept).toEqual({ rows: 0, objects: 0, done: true });

    const swept = await exports.default.sweepExpiredLearnerData({
      tenantId: me.tenantId,
      retentionDays: 30,
      nowMs: Date.now(),
    });
    expect(swept.objects).toBe(2); // the conversation and the learner's own object
    const exported = (await exports.default.exportLearner(me)) as ChatExport;
    expect(exported).toMatchObject({ profile: null, conversations: [] });
    expect(await count("messages", me.tenantId)).toBe(0);
  });

  it("refuses a malformed sweep", async () => {
    const bad = await exports.default
      .sweepExpiredLearnerData({ tenantId: "acme", retentionDays: 0, nowMs: Date.now() })
      .then(
        () => null,
        (e: unknown) => e,
      );
    expect(bad).toMatchObject({ status: 400, code: "invalid_request" });
  });
});

describe("tenant offboarding", () => {
  it("erases every learner, conversation, FAQ entry and KV key of the tenant, and nobody else's", async () => {
    const a = learner();
    const a2 = { ...a, userId: "second" };
    const other = learner();
    const replies = await Promise.all([
      ask(a, { message: "First" }, { provider: "offline" }),
      ask(a2, { message: "Second" }, { provider: "offline" }),
      ask(other, { message: "Elsewhere" }, { provider: "offline" }),
    ]);
    await Promise.all(replies.map((r, i) => archived([a, a2, other][i]?.tenantId ?? "", r.conversationId)));
    await exports.default.createFaq({ tenantId: a.tenantId }, { question: "Late work?", answer: "Ask first." });
    await env.KNOWLEDGE.put(`budget:${a.tenantId}`, JSON.stringify({ tenantTokensPerDay: 10 }));
    await exports.default.socketPolicyChanged({ tenantId: a.tenantId, features: { chat: false } });
    expect(await env.KNOWLEDGE.get(socketPolicyKey(a.tenantId))).not.toBeNull();

    const offboardedFrom = Date.now();
    const receipt = await exports.default.eraseTenant({ tenantId: a.tenantId });
    // Objects whose data D1 never saw wipe themselves at their next alarm by this mark.
    expect((await readRetentionPolicy(env.KNOWLEDGE, a.tenantId)).offboardedAtMs).toBeGreaterThanOrEqual(
      offboardedFrom,
    );
    expect(receipt.done).toBe(true);
    expect(receipt.objects).toBeGreaterThanOrEqual(4); // two learners, two conversations (and the budget)
    expect(await count("messages", a.tenantId)).toBe(0);
    expect(await count("conversations", a.tenantId)).toBe(0);
    expect((await exports.default.listFaq({ tenantId: a.tenantId }, {})).entries).toEqual([]);
    expect(await env.KNOWLEDGE.get(`budget:${a.tenantId}`)).toBeNull();
    expect(await env.KNOWLEDGE.get(socketPolicyKey(a.tenantId))).toBeNull();
    expect(((await exports.default.exportLearner(a)) as ChatExport).conversations).toEqual([]);
    expect(((await exports.default.exportLearner(a2)) as ChatExport).conversations).toEqual([]);

    expect(await count("messages", other.tenantId)).toBe(2);
    expect((await call(other, "GET", `/api/chat/history/${replies[2]?.conversationId}`)).status).toBe(200);

    expect(await exports.default.eraseTenant({ tenantId: a.tenantId })).toEqual({ rows: 0, objects: 0, done: true });
  });
});
