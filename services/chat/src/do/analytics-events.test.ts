import { runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import type { LearningEvent } from "@atomic-guide/shared";
import { describe, expect, it, vi } from "vitest";
import { ask, learner } from "../testing/helpers";
import { ConversationEvents } from "./analytics-events";
import type { ChatConversationDO } from "./chat-conversation";
import { conversationStub } from "./stubs";

/** The learning events analytics stored for a tenant (its own D1, bound to this test as TEST_DB_ANALYTICS). */
const storedEvents = async (tenantId: string) =>
  (
    await env.TEST_DB_ANALYTICS.prepare(
      "SELECT event_id, type, user_id, conversation_id, provider, tokens FROM learning_events WHERE tenant_id = ? ORDER BY at",
    )
      .bind(tenantId)
      .all<Record<string, unknown>>()
  ).results;

const queuedIn = (tenantId: string, conversationId: string) =>
  runInDurableObject(conversationStub(env, tenantId, conversationId), (_i: ChatConversationDO, state) =>
    state.storage.sql.exec("SELECT event_id FROM analytics_events").toArray(),
  );

describe("a turn's chat_message event", () => {
  it("is queued with the answer in the conversation's object, which sends it to analytics", async () => {
    const me = learner();
    const reply = await ask(me, { message: "What is a derivative?" });
    // Sent from the conversation's alarm, due as the answer is stored: polled, not timed.
    await vi.waitUntil(async () => (await storedEvents(me.tenantId)).length > 0, { timeout: 20_000, interval: 50 });
    expect(await storedEvents(me.tenantId)).toEqual([
      {
        event_id: reply.messageId,
        type: "chat_message",
        user_id: me.userId,
        conversation_id: reply.conversationId,
        provider: reply.provider,
        tokens: reply.tokenUsage.used,
      },
    ]);
    expect(await queuedIn(me.tenantId, reply.conversationId)).toEqual([]);
  });

  it("stays queued while analytics fails, with a retry alarm, and goes once analytics answers", async () => {
    const me = learner();
    const reply = await ask(me, { message: "What is an integral?" });
    await vi.waitUntil(async () => (await storedEvents(me.tenantId)).length > 0, { timeout: 20_000, interval: 50 });
    const event: LearningEvent = {
      eventId: crypto.randomUUID(),
      type: "chat_message",
      tenantId: me.tenantId,
      userId: me.userId,
      contextId: me.contextId,
      at: new Date().toISOString(),
      conversationId: reply.conversationId,
      provider: "offline",
      tokens: 7,
    };
    const down = { ...env, ANALYTICS: { recordLearningEvents: () => Promise.reject(new Error("analytics down")) } };
    const stub = conversationStub(env, me.tenantId, reply.conversationId);
    const failed = await runInDurableObject(stub, async (_i: ChatConversationDO, state) => {
      const events = new ConversationEvents(state.storage.sql);
      events.queue(event, { tenantId: me.tenantId });
      const sent = await events.send(down as unknown as Env, state.storage, { tenantId: me.tenantId, d1Binding: null });
      return { sent, pending: events.hasPending(), alarm: await state.storage.getAlarm(), now: Date.now() };
    });
    expect(failed.sent).toBe(false);
    expect(failed.pending).toBe(true);
    expect(failed.alarm).toBeGreaterThan(failed.now);

    // The retry (the alarm, or this send if it comes first) delivers it once analytics answers.
    await runInDurableObject(stub, (_i: ChatConversationDO, state) =>
      new ConversationEvents(state.storage.sql).send(env, state.storage, { tenantId: me.tenantId, d1Binding: null }),
    );
    expect((await storedEvents(me.tenantId)).map((e) => e.event_id)).toEqual([reply.messageId, event.eventId]);
    expect(await queuedIn(me.tenantId, reply.conversationId)).toEqual([]);
  });
});
