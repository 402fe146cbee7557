import { runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { resetBreakers } from "@atomic-guide/shared/resilience/breaker";
import { controlD1Faults } from "@atomic-guide/shared/resilience/d1-faults";
import { describe, expect, it } from "vitest";
import { budgetKey } from "../budget/limits";
import type { ChatReply } from "../chat/schemas";
import { ask, call, learner, parseSse } from "../testing/helpers";

const offline = { provider: "offline" };

async function setBudget(tenantId: string, limits: Record<string, number>) {
  await env.KNOWLEDGE.put(budgetKey(tenantId), JSON.stringify(limits));
}

describe("POST /api/chat/message", () => {
  it("answers through the offline provider, opening a conversation", async () => {
    const me = learner();
    const reply = await ask(me, { message: "What is photosynthesis?" }, offline);
    expect(reply.provider).toBe("offline");
    expect(reply.conversationId).toMatch(/^[0-9a-f-]{36}$/);
    expect(reply.messageId).toMatch(/^[0-9a-f-]{36}$/);
    expect(reply.response.length).toBeGreaterThan(0);
    expect(reply.suggestions.length).toBeGreaterThan(0);
    expect(reply.tokenUsage).toEqual({ used: 0, remaining: 20000 });
  });

  it("refuses malformed bodies and provider flags with 400 and stores nothing", async () => {
    const me = learner();
    const empty = await call(me, "POST", "/api/chat/message", { message: "   " });
    expect(empty.status).toBe(400);
    expect(await empty.json()).toMatchObject({ error: { code: "invalid_request" } });
    const tooLong = await call(me, "POST", "/api/chat/message", { message: "x".repeat(4001) });
    expect(tooLong.status).toBe(400);
    const badFlag = await call(me, "POST", "/api/chat/message", { message: "hi" }, { provider: "gpt-9" });
    expect(badFlag.status).toBe(400);
    const list = await (await call(me, "GET", "/api/chat/conversations")).json<{ conversations: unknown[] }>();
    expect(list.conversations).toEqual([]);
  });

  it("refuses a request without the gateway's identity with 401", async () => {
    const res = await call(
      learner(),
      "POST",
      "/api/chat/message",
      { message: "hi" },
      { headers: { "X-Atomic-Auth": "garbage" } },
    );
    expect(res.status).toBe(401);
  });
});

describe("conversation ownership", () => {
  it("answers 404 to another learner and another tenant, exactly as for a missing conversation", async () => {
    const owner = learner();
    const { conversationId } = await ask(owner, { message: "Explain osmosis" }, offline);
    const classmate = { ...owner, userId: "someone-else" };
    const otherTenant = { ...owner, tenantId: "other-tenant" };
    const missing = await call(owner, "GET", `/api/chat/history/${crypto.randomUUID()}`);
    expect(missing.status).toBe(404);
    const missingBody = await missing.json();
    for (const intruder of [classmate, otherTenant]) {
      const history = await call(intruder, "GET", `/api/chat/history/${conversationId}`);
      expect(history.status).toBe(404);
      expect(await history.json()).toEqual(missingBody);
      const post = await call(intruder, "POST", "/api/chat/message", { conversationId, message: "let me in" }, offline);
      expect(post.status).toBe(404);
    }
    // The owner's conversation is untouched by the attempts.
    const mine = await (await call(owner, "GET", `/api/chat/history/${conversationId}`)).json<{
      messages: unknown[];
    }>();
    expect(mine.messages).toHaveLength(2);
  });

  it("lists only the learner's own conversations", async () => {
    const me = learner();
    const a = await ask(me, { message: "First question about cells" }, offline);
    const b = await ask(me, { message: "Second question about atoms" }, offline);
    await ask({ ...me, userId: "other" }, { message: "Not mine" }, offline);
    const res = await call(me, "GET", "/api/chat/conversations");
    const { conversations } = await res.json<{ conversations: { conversationId: string; title: string }[] }>();
    expect(conversations.map((c) => c.conversationId).sort()).toEqual([a.conversationId, b.conversationId].sort());
    expect(conversations.map((c) => c.title)).toContain("First question about cells");
  });
});

describe("GET /api/chat/history/:id", () => {
  it("returns the 20 most recent of 26 messages, oldest first", async () => {
    const me = learner();
    await setBudget(me.tenantId, { messagesPerMinute: 100 });
    const first = await ask(me, { message: "question 1" }, offline);
    for (let i = 2; i <= 13; i++) {
      await ask(me, { conversationId: first.conversationId, message: `question ${i}` }, offline);
    }
    const res = await call(me, "GET", `/api/chat/history/${first.conversationId}`);
    const { messages } = await res.json<{ messages: { role: string; content: string; createdAt: string }[] }>();
    expect(messages).toHaveLength(20);
    // 26 messages: the oldest 6 (questions 1-3 and their answers) fall outside the window.
    expect(messages[0]).toMatchObject({ role: "user", content: "question 4" });
    expect(messages[18]).toMatchObject({ role: "user", content: "question 13" });
    expect(messages[19]?.role).toBe("assistant");
    const times = messages.map((m) => m.createdAt);
    expect([...times].sort()).toEqual(times);
  });
});

describe("streaming with Accept: text/event-stream", () => {
  it("sends token events, then one done event carrying the same JSON as the plain reply", async () => {
    const me = learner();
    const res = await call(
      me,
      "POST",
      "/api/chat/message",
      { message: "What is a cell?" },
      { ...offline, accept: "text/event-stream" },
    );
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toContain("text/event-stream");
    const events = parseSse(await res.text());
    const tokens = events.filter((e) => e.event === "token");
    expect(tokens.length).toBeGreaterThan(1);
    expect(events.at(-1)?.event).toBe("done");
    expect(events.filter((e) => e.event === "done")).toHaveLength(1);
    const done = events.at(-1)?.data as ChatReply;
    expect(tokens.map((t) => (t.data as { text: string }).text).join("")).toBe(done.response);
    expect(Object.keys(done).sort()).toEqual(
      ["citations", "conversationId", "messageId", "provider", "response", "suggestions", "tokenUsage"].sort(),
    );
    expect(done.provider).toBe("offline");
  });

  it("relays Workers AI's streamed chunks as token events", async () => {
    const res = await call(
      learner(),
      "POST",
      "/api/chat/message",
      { message: "What is a verb?" },
      { accept: "text/event-stream" },
    );
    const events = parseSse(await res.text());
    expect(events.map((e) => e.event)).toEqual(["token", "token", "token", "done"]);
    expect(events.slice(0, 3).map((e) => (e.data as { text: string }).text)).toEqual(["Workers ", "AI ", "answer."]);
    expect(events[3]?.data).toMatchObject({
      provider: "workers-ai",
      response: "Workers AI answer.",
      tokenUsage: { used: 50 },
    });
  });

  it("refuses over budget with a plain 429 before any stream starts", async () => {
    const me = learner();
    await setBudget(me.tenantId, { messagesPerMinute: 1 });
    await ask(me, { message: "one" }, offline);
    const res = await call(
      me,
      "POST",
      "/api/chat/message",
      { message: "two" },
      { ...offline, accept: "text/event-stream" },
    );
    expect(res.status).toBe(429);
    expect(res.headers.get("content-type")).toContain("application/json");
  });
});

describe("budgets", () => {
  it("answers 429 with Retry-After past the messages-per-minute limit, and charges nothing", async () => {
    const me = learner();
    await setBudget(me.tenantId, { messagesPerMinute: 2 });
    const first = await ask(me, { message: "one" }, offline);
    await ask(me, { conversationId: first.conversationId, message: "two" }, offline);
    const res = await call(
      me,
      "POST",
      "/api/chat/message",
      { conversationId: first.conversationId, message: "three" },
      offline,
    );
    expect(res.status).toBe(429);
    const retryAfter = Number(res.headers.get("Retry-After"));
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(retryAfter).toBeLessThanOrEqual(60);
    expect(await res.json()).toMatchObject({ error: { code: "rate_limited" } });
    const history = await (await call(me, "GET", `/api/chat/history/${first.conversationId}`)).json<{
      messages: unknown[];
    }>();
    expect(history.messages).toHaveLength(4);
  });

  it("counts the provider's reported tokens against the learner's daily budget", async () => {
    const me = learner();
    await setBudget(me.tenantId, { learnerTokensPerDay: 60 });
    // The Workers AI double reports 40 prompt + 10 completion tokens.
    const first = await ask(me, { message: "What is a noun?" }, { provider: "workers-ai" });
    expect(first.provider).toBe("workers-ai");
    expect(first.tokenUsage).toEqual({ used: 50, remaining: 10 });
    await ask(me, { conversationId: first.conversationId, message: "And a verb?" }, { provider: "workers-ai" });
    const res = await call(
      me,
      "POST",
      "/api/chat/message",
      { message: "And an adjective?" },
      { provider: "workers-ai" },
    );
    expect(res.status).toBe(429);
    const retryAfter = Number(res.headers.get("Retry-After"));
    expect(retryAfter).toBeGreaterThan(0);
    expect(retryAfter).toBeLessThanOrEqual(86_400);
    const list = await (await call(me, "GET", "/api/chat/conversations")).json<{ conversations: unknown[] }>();
    expect(list.conversations).toHaveLength(1);
  });

  it("enforces the tenant's daily budget across its learners", async () => {
    const alice = learner();
    const bob = { ...alice, userId: "bob" };
    await setBudget(alice.tenantId, { tenantTokensPerDay: 50 });
    await ask(alice, { message: "What is a noun?" }, { provider: "workers-ai" });
    const res = await call(
      bob,
      "POST",
      "/api/chat/message",
      { message: "What is a verb?" },
      { provider: "workers-ai" },
    );
    expect(res.status).toBe(429);
    expect(res.headers.get("Retry-After")).not.toBeNull();
    // The refusal left nothing behind for Bob.
    const bobs = await (await call(bob, "GET", "/api/chat/conversations")).json<{ conversations: unknown[] }>();
    expect(bobs.conversations).toEqual([]);
    // Another tenant is unaffected.
    const other = await ask(learner(), { message: "What is a verb?" }, { provider: "workers-ai" });
    expect(other.provider).toBe("workers-ai");
  });
});

describe("archive to D1", () => {
  it("copies every message to D1 through the conversation's outbox", async () => {
    const me = learner();
    const reply = await ask(me, { message: "Archive me" }, offline);
    const stub = env.CHAT_CONVERSATIONS.get(
      env.CHAT_CONVERSATIONS.idFromName(`${me.tenantId}:${reply.conversationId}`),
    );
    // Joins the flush the alarm started after the turn (or runs it), so D1 is current after it.
    expect(await stub.archiveNow()).toEqual({ pending: 0 });
    const rows = await env.DB.prepare(
      "SELECT role, content, provider FROM messages WHERE tenant_id = ? AND conversation_id = ? ORDER BY created_at, role DESC",
    )
      .bind(me.tenantId, reply.conversationId)
      .all();
    expect(rows.results).toEqual([
      { role: "user", content: "Archive me", provider: null },
      { role: "assistant", content: reply.response, provider: "offline" },
    ]);
    const conv = await env.DB.prepare("SELECT user_id FROM conversations WHERE tenant_id = ? AND conversation_id = ?")
      .bind(me.tenantId, reply.conversationId)
      .first();
    expect(conv).toEqual({ user_id: me.userId });
  });
});

describe("archive during a D1 outage", () => {
  it("keeps answering, holds the messages in the outbox, and archives them once D1 is back", async () => {
    const me = learner();
    // Through the same control an operator uses, which also resets the circuit breakers when the
    // fault ends (otherwise the replay below would wait out the breaker's cooldown).
    await controlD1Faults(env, "chat", { mode: "fail" });
    let conversationId = "";
    const stub = () =>
      env.CHAT_CONVERSATIONS.get(env.CHAT_CONVERSATIONS.idFromName(`${me.tenantId}:${conversationId}`));
    const archived = async () =>
      (
        await env.DB.prepare("SELECT COUNT(*) AS n FROM messages WHERE tenant_id = ? AND conversation_id = ?")
          .bind(me.tenantId, conversationId)
          .first<{ n: number }>()
      )?.n;
    try {
      const reply = await ask(me, { message: "Does chat survive D1 going away?" }, offline);
      conversationId = reply.conversationId;
      // The turn (the learner's message and the answer) waits as one entry: one D1 batch.
      expect(await stub().archiveNow()).toEqual({ pending: 1 });
      expect(await archived()).toBe(0);
      // A retry is scheduled, with backoff.
      const retryAt = await runInDurableObject(stub(), (_instance, state) => state.storage.getAlarm());
      expect(retryAt).toBeGreaterThan(Date.now());
      const history = await (await call(me, "GET", `/api/chat/history/${conversationId}`)).json<{
        messages: unknown[];
      }>();
      expect(history.messages).toHaveLength(2);
    } finally {
      await controlD1Faults(env, "chat", { mode: "off" });
    }
    // In production the breaker half-opens after its cooldown and the next alarm's replay probes
    // D1; here the object's breaker is reset where the replay runs, standing in for that wait.
    await runInDurableObject(stub(), () => resetBreakers("chat"));
    // The retry alarm replays the outbox once D1 answers again.
    expect(await runDurableObjectAlarm(stub())).toBe(true);
    expect(await stub().archiveNow()).toEqual({ pending: 0 });
    expect(await archived()).toBe(2);
  });
});

describe("POST /api/chat/suggestion", () => {
  it("offers help for the page the learner is stuck on", async () => {
    const me = learner();
    const res = await call(me, "POST", "/api/chat/suggestion", {
      trigger: "struggle",
      pageContext: { pageTitle: "Cellular respiration" },
    });
    expect(res.status).toBe(200);
    const body = await res.json<{ suggestion: string; provider: string }>();
    expect(body.suggestion).toContain("Cellular respiration");
    expect(body.provider).toBe("offline");
    const bad = await call(me, "POST", "/api/chat/suggestion", { trigger: "bored" });
    expect(bad.status).toBe(400);
  });
});
