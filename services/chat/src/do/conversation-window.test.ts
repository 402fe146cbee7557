import { runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { aiDouble } from "../testing/doubles";
import { ask, call, learner, parseSse } from "../testing/helpers";
import { ConversationWindows, STALE_TURN_MS } from "./conversation-window";
import { conversationOwner, conversationStub, learnerStub } from "./stubs";

/** What the model was sent before the question, for the turn whose question carries `marker`. */
async function sentBefore(marker: string) {
  const [sent] = await aiDouble().callsWith(marker);
  return (sent?.input.messages ?? []).filter((m) => m.role !== "system").slice(0, -1);
}

async function storedHistory(me: ReturnType<typeof learner>, conversationId: string) {
  const res = await call(me, "GET", `/api/chat/history/${conversationId}`);
  const { messages } = await res.json<{ messages: { role: string; content: string }[] }>();
  return messages.map(({ role, content }) => ({ role, content }));
}

describe("the learner's copy of a conversation's window", () => {
  it("is what the conversation's object holds, also after two turns overlapped on it", async () => {
    const me = learner();
    const opts = { provider: "workers-ai" };
    const first = await ask(me, { message: "What is a prime number?" }, opts);
    const conversationId = first.conversationId;
    // Both admitted while the other is in flight: neither may write its own view back as the copy.
    await Promise.all([
      ask(me, { conversationId, message: "Is 9 prime?" }, opts),
      ask(me, { conversationId, message: "Is 11 prime?" }, opts),
    ]);
    const marker = crypto.randomUUID();
    const before = await storedHistory(me, conversationId);
    expect(before).toHaveLength(6);
    await ask(me, { conversationId, message: `And 13? ${marker}` }, opts);
    expect(await sentBefore(marker)).toEqual(before);
    // A lone turn writes the copy again, and the next turn is sent exactly the stored window.
    const next = crypto.randomUUID();
    const stored = await storedHistory(me, conversationId);
    await ask(me, { conversationId, message: `And 17? ${next}` }, opts);
    expect(await sentBefore(next)).toEqual(stored.slice(-10));
  });

  it("answers the copy only to a turn that runs alone, and lets a lost turn go after STALE_TURN_MS", async () => {
    const me = learner();
    await runInDurableObject(learnerStub(env, me), (_instance, state) => {
      const windows = new ConversationWindows(state.storage.sql);
      const t0 = 1_000_000;
      const copy = { history: [{ role: "user" as const, content: "q" }], turns: 1 };
      const lone = windows.admit("c1", t0);
      expect(lone.window).toBeUndefined();
      windows.settle("c1", lone.ticket, copy);
      const a = windows.admit("c1", t0 + 1);
      expect(a.window).toEqual(copy);
      // In flight: the next admission gets no copy, and neither turn writes one back.
      const b = windows.admit("c1", t0 + 2);
      expect(b.window).toBeUndefined();
      windows.settle("c1", a.ticket, copy);
      windows.settle("c1", b.ticket, copy);
      const c = windows.admit("c1", t0 + 3);
      expect(c.window).toBeUndefined();
      expect(c.ticket.alone).toBe(true);
      // c never settles (its Worker died): it blocks the copy until it is taken as lost.
      expect(windows.admit("c1", t0 + 4).ticket.alone).toBe(false);
      const after = windows.admit("c1", t0 + 3 + STALE_TURN_MS + 1);
      expect(after.window).toBeUndefined();
      expect(after.ticket.alone).toBe(true);
      windows.settle("c1", after.ticket, copy);
      expect(windows.admit("c1", t0 + 4 + STALE_TURN_MS).window).toEqual(copy);
    });
  });

  it("charges only what the model cost when the conversation's object is gone by the first token", async () => {
    const me = learner();
    const opts = { provider: "workers-ai" };
    const first = await ask(me, { message: "What is a prime number?" }, opts);
    // Its object wiped on its own (an idle expiry), the learner's index and copy still naming it.
    await conversationStub(env, me.tenantId, first.conversationId).erase(conversationOwner(me));
    const before = await learnerStub(env, me).tokensUsedToday(Date.now());
    const res = await call(
      me,
      "POST",
      "/api/chat/message",
      { conversationId: first.conversationId, message: "Is 9 prime?" },
      { ...opts, accept: "text/event-stream" },
    );
    const events = parseSse(await res.text());
    expect(events.at(-1)).toEqual({
      event: "error",
      data: { error: expect.objectContaining({ code: "conversation_gone" }) },
    });
    // The double reports the same usage every turn: the hold (thousands of tokens) is given back.
    expect((await learnerStub(env, me).tokensUsedToday(Date.now())) - before).toBe(first.tokenUsage.used);
    await runInDurableObject(learnerStub(env, me), (_instance, state) => {
      const row = state.storage.sql.exec("SELECT in_flight, messages FROM conversation_window").one();
      expect(row).toEqual({ in_flight: 0, messages: null });
    });
  });

  it("is forgotten with the conversation's index entry", async () => {
    const me = learner();
    const gone = await ask(me, { message: "What is a prime number?" }, { provider: "workers-ai" });
    const kept = await ask(me, { message: "What is a factor?" }, { provider: "workers-ai" });
    await learnerStub(env, me).forgetConversations([gone.conversationId], new Date(Date.now() + 60_000).toISOString());
    await runInDurableObject(learnerStub(env, me), (_instance, state) => {
      const rows = state.storage.sql
        .exec<{ id: string }>("SELECT conversation_id AS id FROM conversation_window")
        .toArray();
      expect(rows.map((r) => r.id)).toEqual([kept.conversationId]);
    });
  });
});
