import { runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { env, exports } from "cloudflare:workers";
import type { AuthContext } from "@atomic-guide/shared";
import { readIdleMark, writeIdleMark } from "@atomic-guide/shared/learner-retention/idle-expiry";
import { afterEach, describe, expect, it, vi } from "vitest";
import { aiDouble } from "../testing/doubles";
import { ask, call, learner } from "../testing/helpers";
import { conversationStub, learnerStub } from "./stubs";

const DAY_MS = 86_400_000;

type Stub = DurableObjectStub;

/** A turn while every D1 of the service fails: the conversation exists only in its object and outbox. */
async function askDuringOutage(me: AuthContext) {
  await exports.default.controlD1Faults({ mode: "fail" });
  const reply = await ask(me, { message: "Asked while D1 was down" }, { provider: "offline" });
  const conversation = conversationStub(env, me.tenantId, reply.conversationId);
  // The turn's archive alarm fires as the answer is stored: joined here while D1 is still down,
  // so it cannot land after the fault ends.
  expect(await conversation.archiveNow()).toEqual({ pending: 1 });
  // The archive retry would otherwise fire by itself once D1 is back; the test runs it when it means to.
  await runInDurableObject(conversation, (_i, state) => state.storage.setAlarm(Date.now() + DAY_MS));
  await exports.default.controlD1Faults({ mode: "off" });
  expect(await archivePending(conversation)).toBeGreaterThan(0);
  return { reply, conversation };
}

const archivePending = (stub: Stub) =>
  runInDurableObject(
    stub,
    (_i, state) => state.storage.sql.exec<{ n: number }>("SELECT COUNT(*) AS n FROM _outbox_archive").one().n,
  );
const markOf = (stub: Stub) => runInDurableObject(stub, (_i, state) => readIdleMark(state.storage));

/** Moves the object's last activity (and its last policy read) `days` into the past, on the test's clock. */
const idleFor = (stub: Stub, days: number) =>
  runInDurableObject(stub, (_i, state) => {
    const mark = readIdleMark(state.storage);
    if (!mark) throw new Error("no idle mark");
    const at = Date.now() - days * DAY_MS;
    writeIdleMark(state.storage, { ...mark, atMs: at, checkedAtMs: at });
  });

const d1Count = async (table: "conversations" | "messages", tenantId: string) =>
  (await env.DB.prepare(`SELECT COUNT(*) AS n FROM ${table} WHERE tenant_id = ?`).bind(tenantId).first<number>("n")) ??
  0;

const exported = async (me: AuthContext) =>
  (await exports.default.exportLearner(me)) as { profile: unknown; conversations: unknown[] };

const profile = () => ({
  level: "watch" as const,
  score: 0.4,
  struggleEvents: 1,
  interventions: 0,
  topStruggleElements: [],
  updatedAt: new Date().toISOString(),
});

afterEach(async () => {
  await exports.default.controlD1Faults({ mode: "off" });
});

describe("a conversation's and a learner's own retention", () => {
  it("wipes a conversation D1 never saw once idle past the tenant's period, and keeps one inside it", async () => {
    const me = learner();
    await exports.default.sweepExpiredLearnerData({ tenantId: me.tenantId, retentionDays: 30, nowMs: Date.now() });
    const { reply, conversation } = await askDuringOutage(me);
    expect(await markOf(conversation)).toMatchObject({ tenantId: me.tenantId, retentionDays: 30 });
    expect(await markOf(learnerStub(env, me))).toMatchObject({ tenantId: me.tenantId, retentionDays: 30 });

    await idleFor(conversation, 20);
    await runDurableObjectAlarm(conversation);
    expect((await call(me, "GET", `/api/chat/history/${reply.conversationId}`)).status).toBe(200);
    expect(await d1Count("messages", me.tenantId)).toBe(2);
    await exports.default.sweepExpiredLearnerData({ tenantId: me.tenantId, retentionDays: 30, nowMs: Date.now() });

    await idleFor(conversation, 31);
    await runDurableObjectAlarm(conversation);
    expect((await call(me, "GET", `/api/chat/history/${reply.conversationId}`)).status).toBe(404);
    expect(await markOf(conversation)).toBeUndefined();
  });

  it("gives a new conversation the period its learner's object read, without reading the tenant's policy again", async () => {
    const me = learner();
    await exports.default.sweepExpiredLearnerData({ tenantId: me.tenantId, retentionDays: 30, nowMs: Date.now() });
    const first = await ask(me, { message: "First question" }, { provider: "offline" });
    const learnerMark = await markOf(learnerStub(env, me));
    expect(learnerMark).toMatchObject({ retentionDays: 30 });

    // The policy changes in KV; the learner's object re-reads it within a day (or its weekly re-check).
    await exports.default.sweepExpiredLearnerData({ tenantId: me.tenantId, retentionDays: 90, nowMs: Date.now() });
    // The answer is held after its first token: the turn's archive alarm, set when the answer is
    // stored, re-reads the policy (writes wait), so the mark is read before that can happen.
    const res = await call(
      me,
      "POST",
      "/api/chat/message",
      { message: "Second question [[ai:hold]]" },
      {
        provider: "workers-ai",
        accept: "text/event-stream",
      },
    );
    const reader = (res.body as ReadableStream<Uint8Array>).pipeThrough(new TextDecoderStream()).getReader();
    expect((await reader.read()).value).toContain("event: token");
    const conversationId = await vi.waitUntil(
      async () => {
        const listed = await learnerStub(env, me).conversations();
        return listed.find((c) => c.conversationId !== first.conversationId)?.conversationId;
      },
      { timeout: 20_000, interval: 5 },
    );
    const mark = await vi.waitUntil(() => markOf(conversationStub(env, me.tenantId, conversationId)), {
      timeout: 20_000,
      interval: 5,
    });
    expect(mark).toMatchObject({ retentionDays: 30, checkedAtMs: learnerMark?.checkedAtMs });

    await aiDouble().release();
    let rest = "";
    for (let chunk = await reader.read(); !chunk.done; chunk = await reader.read()) rest += chunk.value;
    expect(rest).toContain("event: done");
  });

  it("wipes waiting archive rows with an expired conversation, so D1 never gets them", async () => {
    const me = learner();
    const { reply, conversation } = await askDuringOutage(me);
    expect((await markOf(conversation))?.retentionDays).toBe(365);
    await idleFor(conversation, 366);
    await runDurableObjectAlarm(conversation);
    expect(await archivePending(conversation)).toBe(0);
    expect(await d1Count("messages", me.tenantId)).toBe(0);
    expect((await call(me, "GET", `/api/chat/history/${reply.conversationId}`)).status).toBe(404);
  });

  it("re-reads the policy when writes wait, but writes the mark again only when the period changed or the last read is a day old", async () => {
    const me = learner();
    await exports.default.sweepExpiredLearnerData({ tenantId: me.tenantId, retentionDays: 30, nowMs: Date.now() });
    const checkedAt = (stub: Stub, checkedAtMs: number, retentionDays = 30) =>
      runInDurableObject(stub, (_i, state) => {
        const mark = readIdleMark(state.storage);
        if (!mark) throw new Error("no idle mark");
        writeIdleMark(state.storage, { ...mark, checkedAtMs, retentionDays });
        return readIdleMark(state.storage);
      });

    const unchanged = (await askDuringOutage(me)).conversation;
    const readAnHourAgo = await checkedAt(unchanged, Date.now() - 3_600_000);
    await runDurableObjectAlarm(unchanged);
    expect(await archivePending(unchanged)).toBe(0);
    expect(await markOf(unchanged)).toEqual(readAnHourAgo);

    const stale = (await askDuringOutage(me)).conversation;
    const readTwoDaysAgo = await checkedAt(stale, Date.now() - 2 * DAY_MS);
    await runDurableObjectAlarm(stale);
    expect((await markOf(stale))?.checkedAtMs).toBeGreaterThan(readTwoDaysAgo?.checkedAtMs ?? Number.POSITIVE_INFINITY);

    await exports.default.sweepExpiredLearnerData({ tenantId: me.tenantId, retentionDays: 90, nowMs: Date.now() });
    const changed = (await askDuringOutage(me)).conversation;
    // As if the period had been read an hour ago, before the sweep changed it.
    await checkedAt(changed, Date.now() - 3_600_000, 30);
    await runDurableObjectAlarm(changed);
    expect(await markOf(changed)).toMatchObject({ retentionDays: 90 });
  });

  it("empties a learner known only by a pushed profile once idle past the period", async () => {
    const me = learner();
    await exports.default.updateLearnerProfile(me, profile());
    const stub = learnerStub(env, me);
    expect(await markOf(stub)).toMatchObject({ tenantId: me.tenantId });
    await idleFor(stub, 100);
    await runDurableObjectAlarm(stub);
    expect((await exported(me)).profile).not.toBeNull();

    await idleFor(stub, 366);
    await runDurableObjectAlarm(stub);
    expect(await exported(me)).toMatchObject({ profile: null, conversations: [] });
  });
});

describe("offboarding a tenant whose conversation still waits for D1", () => {
  it("the conversation wipes itself at its next alarm and the learner within the weekly re-check", async () => {
    const me = learner();
    const other = learner();
    const { conversation } = await askDuringOutage(me);
    const { conversation: kept } = await askDuringOutage(other);
    await exports.default.updateLearnerProfile(me, profile());

    // D1 lists no conversation of the tenant, so offboarding cannot name these objects...
    const receipt = await exports.default.eraseTenant({ tenantId: me.tenantId });
    expect(receipt.done).toBe(true);
    // ...and the retry that would have archived the messages wipes the conversation instead.
    await runDurableObjectAlarm(conversation);
    expect(await archivePending(conversation)).toBe(0);
    expect(await d1Count("messages", me.tenantId)).toBe(0);
    expect(await d1Count("conversations", me.tenantId)).toBe(0);

    const learnerObject = learnerStub(env, me);
    await runInDurableObject(learnerObject, (_i, state) => {
      const mark = readIdleMark(state.storage);
      if (!mark) throw new Error("no idle mark");
      writeIdleMark(state.storage, { ...mark, checkedAtMs: Date.now() - 8 * DAY_MS });
    });
    await runDurableObjectAlarm(learnerObject);
    expect(await exported(me)).toMatchObject({ profile: null, conversations: [] });

    // Another tenant's waiting conversation archives as usual.
    await runDurableObjectAlarm(kept);
    expect(await d1Count("messages", other.tenantId)).toBe(2);
  });
});
