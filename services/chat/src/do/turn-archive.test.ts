import { runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { learner } from "../testing/helpers";
import { ARCHIVE_BACKSTOP_MS, type ChatConversationDO } from "./chat-conversation";
import { conversationStub } from "./stubs";

type Stub = ReturnType<typeof conversationStub>;

/** A conversation's first turn, begun straight on its object as prepareTurn begins it. */
async function begin() {
  const me = learner();
  const owner = { tenantId: me.tenantId, userId: me.userId };
  const conversationId = crypto.randomUUID();
  const stub = conversationStub(env, me.tenantId, conversationId);
  const questionId = crypto.randomUUID();
  const begun = await stub.beginTurn({
    owner,
    create: true,
    conversationId,
    title: "What is a limit?",
    messageId: questionId,
    content: "What is a limit?",
    at: new Date().toISOString(),
    windowSize: 10,
  });
  expect(begun).toEqual({ history: [], turns: 0 });
  /**
   * Stores the answer and reads the outbox and alarm in the same callback: finishing sets the
   * alarm to now, and the test environment runs due alarms by themselves, right after.
   */
  const finish = (answerId: string) =>
    runInDurableObject(stub, async (instance: ChatConversationDO, state) => {
      const stored = await instance.finishTurn({
        owner,
        messageId: answerId,
        content: "A value approached.",
        provider: "offline",
        tokens: 3,
        at: new Date().toISOString(),
      });
      return { stored, entries: entriesIn(state), alarm: await state.storage.getAlarm() };
    });
  return { me, stub, conversationId, questionId, finish };
}

/** Statement count of each waiting outbox entry, oldest first. */
const entriesIn = (state: DurableObjectState) =>
  state.storage.sql
    .exec<{ statements: string }>("SELECT statements FROM _outbox_archive ORDER BY seq")
    .toArray()
    .map((r) => (JSON.parse(r.statements) as unknown[]).length);
const waitingEntries = (stub: Stub) => runInDurableObject(stub, (_i, state) => entriesIn(state));
const alarmOf = (stub: Stub) => runInDurableObject(stub, (_i, state) => state.storage.getAlarm());
const archivedIds = async (tenantId: string, conversationId: string) =>
  (
    await env.DB.prepare(
      "SELECT message_id FROM messages WHERE tenant_id = ? AND conversation_id = ? ORDER BY created_at",
    )
      .bind(tenantId, conversationId)
      .all<{ message_id: string }>()
  ).results.map((r) => r.message_id);

describe("a turn's archive to D1", () => {
  it("waits for the answer and goes as one entry: the conversation and both messages in one batch", async () => {
    const before = Date.now();
    const { me, stub, conversationId, questionId, finish } = await begin();
    const after = Date.now();
    // Nothing queued yet; only the backstop alarm, a backstop's length after the message.
    expect(await waitingEntries(stub)).toEqual([]);
    const backstop = await alarmOf(stub);
    expect(backstop).toBeGreaterThanOrEqual(before + ARCHIVE_BACKSTOP_MS);
    expect(backstop).toBeLessThanOrEqual(after + ARCHIVE_BACKSTOP_MS);

    const answerId = crypto.randomUUID();
    const finished = await finish(answerId);
    // One entry: the conversation upsert and the two messages; the alarm due at once.
    expect(finished.stored).toBe(true);
    expect(finished.entries).toEqual([3]);
    expect(finished.alarm).toBeLessThanOrEqual(Date.now());
    expect(await stub.archiveNow()).toEqual({ pending: 0 });
    expect(await archivedIds(me.tenantId, conversationId)).toEqual([questionId, answerId]);
  });

  it("archives the learner's message by the backstop alarm when the turn never finishes, and the answer after", async () => {
    const { me, stub, conversationId, questionId, finish } = await begin();
    expect(await runDurableObjectAlarm(stub)).toBe(true);
    expect(await waitingEntries(stub)).toEqual([]);
    expect(await archivedIds(me.tenantId, conversationId)).toEqual([questionId]);

    // A late answer is queued alone: the learner's message is not archived twice.
    const answerId = crypto.randomUUID();
    const finished = await finish(answerId);
    expect(finished.stored).toBe(true);
    expect(finished.entries).toEqual([2]);
    expect(await stub.archiveNow()).toEqual({ pending: 0 });
    expect(await archivedIds(me.tenantId, conversationId)).toEqual([questionId, answerId]);
  });
});
