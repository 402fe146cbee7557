// Issue 5's end-to-end "done when", offline (no account, no network): a launched learner chats
// through the gateway, streamed and not, over SSE and /ws/chat; history and conversations are
// the owner's alone; over budget costs nothing.
import { type RunningSystem, startSystem } from "@atomic-guide/testing/system";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  adminHeaders,
  api,
  DEFAULT_CONTEXT,
  type Launched,
  launch,
  openSocket,
  readSse,
  stopSystem,
  tenantPlatform,
} from "../../support/flows";

interface Reply {
  conversationId: string;
  messageId: string;
  response: string;
  suggestions: unknown[];
  provider: string;
  tokenUsage: { used: number; remaining: number };
}

interface HistoryMessage {
  messageId: string;
  role: "user" | "assistant";
  content: string;
  createdAt: string;
}

const PAGE = {
  pageTitle: "The Analytical Engine",
  pageContent:
    "The Analytical Engine has a mill, which performs arithmetic, and a store, which holds numbers. " +
    "Programs are given on punched cards, an idea borrowed from the Jacquard loom.",
  elementId: "section-mill",
};

describe("chat through the gateway", () => {
  let system: RunningSystem;
  let learner: Launched;
  let classmate: Launched;
  let otherTenantLearner: Launched;
  let budgetedLearner: Launched;
  let conversationId: string;

  beforeAll(async () => {
    // Enough messages per minute for the 13-turn history case; the budget case sets its own tenant limit.
    system = await startSystem({ bindings: { chat: { BUDGET_MESSAGES_PER_MINUTE: 60 } } });
    learner = await launch(system, { role: "learner", userId: "chatty" });
    classmate = await launch(system, { role: "learner", userId: "classmate" });
    otherTenantLearner = await launch(system, { role: "learner", tenant: "uni-b", userId: "chatty" });
    // An operator's per-tenant budget (chat reads it from KV KNOWLEDGE `budget:<tenantId>`):
    // a third institution allows one message a minute.
    await tenantPlatform(system, "uni-c");
    const knowledge = await system.mf.getKVNamespace("KNOWLEDGE", "atomic-guide-chat");
    await knowledge.put("budget:uni-c", JSON.stringify({ messagesPerMinute: 1 }));
    budgetedLearner = await launch(system, { role: "learner", tenant: "uni-c", userId: "chatty" });
  });
  afterAll(() => stopSystem(system));

  it("answers a message offline, labelled as such", async () => {
    const res = await api(system, learner.apiToken, "/api/chat/message", {
      body: { message: "What does the mill do?", pageContext: PAGE },
    });
    expect(res.status).toBe(200);
    const reply = (await res.json()) as Reply;
    expect(reply).toMatchObject({
      conversationId: expect.any(String),
      messageId: expect.any(String),
      provider: "offline",
      suggestions: expect.any(Array),
      tokenUsage: { used: expect.any(Number), remaining: expect.any(Number) },
    });
    expect(reply.response.length).toBeGreaterThan(0);
    conversationId = reply.conversationId;
  });

  it("streams server-sent events: tokens first, then one done event with the reply", async () => {
    const res = await api(system, learner.apiToken, "/api/chat/message", {
      body: { conversationId, message: "And what is the store for?", pageContext: PAGE },
      headers: { Accept: "text/event-stream" },
    });
    expect(res.status).toBe(200);
    expect(res.headers.get("Content-Type")).toMatch(/^text\/event-stream/);
    const events = await readSse(res);
    const names = events.map((e) => e.event);
    expect(names.filter((n) => n === "done")).toHaveLength(1);
    expect(names.at(-1)).toBe("done");
    expect(names.indexOf("token")).toBeGreaterThanOrEqual(0);
    expect(names.indexOf("token")).toBeLessThan(names.indexOf("done"));
    const done = JSON.parse(events.at(-1)?.data ?? "{}") as Reply;
    expect(done).toMatchObject({ conversationId, provider: "offline" });
    const streamed = events
      .filter((e) => e.event === "token")
      .map((e) => (JSON.parse(e.data) as { text: string }).text)
      .join("");
    expect(streamed).toBe(done.response);
  });

  it("streams over /ws/chat: ai_token messages, then ai_done", async () => {
    const socket = await openSocket(system, learner.apiToken, "/ws/chat");
    try {
      socket.send({ type: "message", conversationId, message: "Who borrowed the punched cards?", pageContext: PAGE });
      const done = await socket.next((m) => m.type === "ai_done");
      const tokens = socket.messages.filter((m) => m.type === "ai_token");
      expect(tokens.length).toBeGreaterThan(0);
      expect(socket.messages.indexOf(tokens[0] ?? {})).toBeLessThan(socket.messages.indexOf(done));
      expect(done).toMatchObject({ conversationId, provider: "offline" });
    } finally {
      socket.close();
    }
  });

  it("history returns the 20 most recent messages, oldest first", async () => {
    // Three turns so far; ten more make 13 turns = 26 messages.
    let last: Reply | undefined;
    for (let turn = 4; turn <= 13; turn++) {
      const res = await api(system, learner.apiToken, "/api/chat/message", {
        body: { conversationId, message: `Question ${turn}: how are numbers kept in the store?` },
      });
      expect(res.status).toBe(200);
      last = (await res.json()) as Reply;
    }
    const res = await api(system, learner.apiToken, `/api/chat/history/${conversationId}`);
    expect(res.status).toBe(200);
    const { messages } = (await res.json()) as { messages: HistoryMessage[] };
    expect(messages).toHaveLength(20);
    // Messages 7..26: the user's turn 4 first, the answer to turn 13 last.
    expect(messages[0]).toMatchObject({ role: "user", content: "Question 4: how are numbers kept in the store?" });
    expect(messages.at(-1)).toMatchObject({ role: "assistant", content: last?.response, messageId: last?.messageId });
    expect(messages.filter((m) => m.role === "user").map((m) => m.content.split(":")[0])).toEqual(
      Array.from({ length: 10 }, (_, i) => `Question ${i + 4}`),
    );
    const times = messages.map((m) => Date.parse(m.createdAt));
    expect(times).toEqual([...times].sort((a, b) => a - b));
  });

  it("lists the learner's own conversations and no one else's", async () => {
    const own = (await (await api(system, learner.apiToken, "/api/chat/conversations")).json()) as {
      conversations: { conversationId: string }[];
    };
    expect(own.conversations.map((c) => c.conversationId)).toEqual([conversationId]);
    const theirs = (await (await api(system, classmate.apiToken, "/api/chat/conversations")).json()) as {
      conversations: { conversationId: string }[];
    };
    expect(theirs.conversations).toEqual([]);
  });

  it("another learner, or the same user id in another tenant, gets 404 on the conversation", async () => {
    const missing = await api(system, classmate.apiToken, `/api/chat/history/${crypto.randomUUID()}`);
    expect(missing.status).toBe(404);
    const missingBody = await missing.json();
    for (const other of [classmate, otherTenantLearner]) {
      const history = await api(system, other.apiToken, `/api/chat/history/${conversationId}`);
      expect(history.status).toBe(404);
      expect(await history.json()).toEqual(missingBody);
      const hijack = await api(system, other.apiToken, "/api/chat/message", {
        body: { conversationId, message: "Let me read along." },
      });
      expect(hijack.status).toBe(404);
    }
    const history = (await (await api(system, learner.apiToken, `/api/chat/history/${conversationId}`)).json()) as {
      messages: HistoryMessage[];
    };
    expect(history.messages.map((m) => m.content)).not.toContain("Let me read along.");
  });

  it("an operator's FAQ entry, managed through /admin/tenants/:tenantId/faq, answers a matching question offline", async () => {
    const entry = {
      question: "How do I submit the punched card homework?",
      answer: "Upload a photo of each card to the Assignments page before Friday noon.",
      courseId: DEFAULT_CONTEXT,
    };
    const created = await system.fetch("/admin/tenants/uni-a/faq", {
      method: "POST",
      headers: adminHeaders,
      body: JSON.stringify(entry),
    });
    expect(created.status).toBe(201);
    const { id } = (await created.json()) as { id: string };
    const listed = await system.fetch(`/admin/tenants/uni-a/faq?courseId=${DEFAULT_CONTEXT}`, {
      headers: adminHeaders,
    });
    expect(listed.status).toBe(200);
    expect(JSON.stringify(await listed.json())).toContain(id);

    const res = await api(system, classmate.apiToken, "/api/chat/message", {
      body: { message: "How do I submit the punched card homework?" },
    });
    expect(res.status).toBe(200);
    const reply = (await res.json()) as Reply;
    expect(reply.provider).toBe("offline");
    expect(reply.response).toMatch(/^Offline answer from your course FAQ:/);
    expect(reply.response).toContain("Upload a photo of each card to the Assignments page before Friday noon.");

    // Another tenant's learner asking the same gets no part of uni-a's FAQ.
    const other = await api(system, otherTenantLearner.apiToken, "/api/chat/message", {
      body: { message: "How do I submit the punched card homework?" },
    });
    expect(other.status).toBe(200);
    expect(JSON.stringify(await other.json())).not.toContain("Friday noon");
  });

  it("over the tenant's per-minute budget: 429 with Retry-After, and the message costs nothing", async () => {
    const first = await api(system, budgetedLearner.apiToken, "/api/chat/message", {
      body: { message: "What is a difference engine?" },
    });
    expect(first.status).toBe(200);
    const reply = (await first.json()) as Reply;
    const over = await api(system, budgetedLearner.apiToken, "/api/chat/message", {
      body: { conversationId: reply.conversationId, message: "And the analytical engine?" },
    });
    expect(over.status).toBe(429);
    expect(Number(over.headers.get("Retry-After"))).toBeGreaterThan(0);
    expect(await over.json()).toMatchObject({ error: { code: expect.any(String) } });
    const history = (await (
      await api(system, budgetedLearner.apiToken, `/api/chat/history/${reply.conversationId}`)
    ).json()) as { messages: HistoryMessage[] };
    expect(history.messages.map((m) => m.role)).toEqual(["user", "assistant"]);
    const exported = (await (await api(system, budgetedLearner.apiToken, "/api/learners/me/export")).json()) as {
      services: { chat: { tokensUsedToday: number } };
    };
    expect(exported.services.chat.tokensUsedToday).toBe(reply.tokenUsage.used);
  });
});
