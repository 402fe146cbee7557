import { runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { env, exports } from "cloudflare:workers";
import { type AuthContext, encodeAuthContext } from "@atomic-guide/shared";
import {
  clearIdleMark,
  LEGACY_IDLE_MARK_KEY,
  readIdleMark,
  writeIdleMark,
} from "@atomic-guide/shared/learner-retention/idle-expiry";
import { afterEach, describe, expect, it } from "vitest";
import { detectorFor } from "./stub";

const DAY_MS = 86_400_000;

const learnerOf = (tenantId: string): AuthContext => ({
  tenantId,
  userId: "only-in-object",
  roles: [],
  isInstructor: false,
  contextId: "course-1",
});
const freshTenant = () => `idle-${crypto.randomUUID().slice(0, 8)}`;

/** A first batch of three wrong quiz attempts, as the web app sends it. */
const threeWrongAttempts = (who: AuthContext) =>
  exports.default.fetch(
    new Request("http://struggle-detector/api/cognitive/signals", {
      method: "POST",
      headers: { "X-Atomic-Auth": encodeAuthContext(who), "Content-Type": "application/json" },
      body: JSON.stringify({
        signals: [0, 1, 2].map((i) => ({
          type: "quiz_attempt",
          at: new Date(Date.now() - 10_000 + i * 1_000).toISOString(),
          elementId: "quiz-1",
          correct: false,
        })),
      }),
    }),
  );

/** Signals sent while every D1 of the service fails: the learner exists only in their object and its outbox. */
async function activeDuringOutage(who: AuthContext) {
  await exports.default.controlD1Faults({ mode: "fail" });
  const res = await threeWrongAttempts(who);
  expect(res.status).toBe(202);
  // The alarm after the batch records the activity (the retention mark) and fails to copy to D1.
  await runDurableObjectAlarm(detectorFor(env, who));
  // The retry would otherwise fire by itself as soon as D1 is back; the test runs it when it means to.
  await runInDurableObject(detectorFor(env, who), (_i, state) => state.storage.setAlarm(Date.now() + DAY_MS));
  await exports.default.controlD1Faults({ mode: "off" });
  expect(await outboxEntries(who)).toBeGreaterThan(0);
}

/** Three wrong attempts at the first batch, with D1 up: the struggle is flushed before the answer. */
async function activeWithStruggle(who: AuthContext) {
  const res = await threeWrongAttempts(who);
  expect(await res.json()).toMatchObject({ struggle: { level: "struggling" } });
}

const outboxEntries = (who: AuthContext) =>
  runInDurableObject(
    detectorFor(env, who),
    (_i, state) => state.storage.sql.exec<{ n: number }>("SELECT COUNT(*) AS n FROM _outbox_d1").one().n,
  );
const markOf = (who: AuthContext) =>
  runInDurableObject(detectorFor(env, who), (_i, state) => readIdleMark(state.storage));

/** Moves the learner's last activity (and the last policy read) `days` into the past, on the test's clock. */
const idleFor = (who: AuthContext, days: number) =>
  runInDurableObject(detectorFor(env, who), (_i, state) => {
    const mark = readIdleMark(state.storage);
    if (!mark) throw new Error("no idle mark");
    const at = Date.now() - days * DAY_MS;
    writeIdleMark(state.storage, { ...mark, atMs: at, checkedAtMs: at });
  });

const d1Rows = async (tenantId: string) => {
  let n = 0;
  for (const table of ["learning_sessions", "struggle_events", "interventions"]) {
    n +=
      (await env.DB.prepare(`SELECT COUNT(*) AS n FROM ${table} WHERE tenant_id = ?`)
        .bind(tenantId)
        .first<number>("n")) ?? 0;
  }
  return n;
};
const exported = async (who: AuthContext) =>
  (await exports.default.exportLearner(who)) as { sessions: unknown[]; recentSignals: unknown[] };

afterEach(async () => {
  await exports.default.controlD1Faults({ mode: "off" });
});

describe("a learner object's own retention", () => {
  it("honours a mark an earlier version kept in key-value storage, and moves it into the table on the next save", async () => {
    const tenantId = freshTenant();
    await exports.default.sweepExpiredLearnerData({ tenantId, retentionDays: 30, nowMs: Date.now() });
    // Two learners marked the old way: one active 20 days ago, one 31 days ago.
    const kept = learnerOf(tenantId);
    const gone = { ...learnerOf(tenantId), userId: "idle-too-long" };
    for (const [who, days] of [
      [kept, 20],
      [gone, 31],
    ] as const) {
      await activeDuringOutage(who);
      await runInDurableObject(detectorFor(env, who), async (_i, state) => {
        const mark = readIdleMark(state.storage);
        if (!mark) throw new Error("no idle mark");
        clearIdleMark(state.storage);
        const at = Date.now() - days * DAY_MS;
        await state.storage.put(LEGACY_IDLE_MARK_KEY, { ...mark, atMs: at, checkedAtMs: at });
      });
    }

    await runDurableObjectAlarm(detectorFor(env, gone));
    expect(await exported(gone)).toMatchObject({ sessions: [], recentSignals: [] });

    // The kept learner's next activity moves the day-old mark: into the table, the old key gone.
    expect((await threeWrongAttempts(kept)).status).toBe(202);
    await runDurableObjectAlarm(detectorFor(env, kept));
    expect((await exported(kept)).sessions.length).toBeGreaterThan(0);
    const after = await runInDurableObject(detectorFor(env, kept), async (_i, state) => ({
      mark: readIdleMark(state.storage),
      legacy: await state.storage.get(LEGACY_IDLE_MARK_KEY),
    }));
    expect(after.mark).toMatchObject({ tenantId, retentionDays: 30 });
    expect(Date.now() - (after.mark?.atMs ?? 0)).toBeLessThan(60_000);
    expect(after.legacy).toBeUndefined();
  });

  it("records the learner's activity with the tenant's period, the default when the sweep never named one", async () => {
    const named = learnerOf(freshTenant());
    await exports.default.sweepExpiredLearnerData({ tenantId: named.tenantId, retentionDays: 30, nowMs: Date.now() });
    await activeDuringOutage(named);
    const mark = await markOf(named);
    expect(mark).toMatchObject({ tenantId: named.tenantId, retentionDays: 30 });
    expect(Date.now() - (mark?.atMs ?? 0)).toBeLessThan(60_000);
    const alarm = await runInDurableObject(detectorFor(env, named), (_i, state) => state.storage.getAlarm());
    expect(alarm).not.toBeNull();

    const unnamed = learnerOf(freshTenant());
    await activeDuringOutage(unnamed);
    expect((await markOf(unnamed))?.retentionDays).toBe(365);
  });

  it("wipes a learner D1 never saw once idle past the period, and keeps one still inside it", async () => {
    const tenantId = freshTenant();
    const who = learnerOf(tenantId);
    await exports.default.sweepExpiredLearnerData({ tenantId, retentionDays: 30, nowMs: Date.now() });
    await activeDuringOutage(who);
    // D1 never got a row, so the D1-driven sweep cannot see this learner.
    expect(await d1Rows(tenantId)).toBe(0);
    expect(await exports.default.sweepExpiredLearnerData({ tenantId, retentionDays: 30, nowMs: Date.now() })).toEqual({
      rows: 0,
      objects: 0,
      done: true,
    });

    // Inside the period (with the outbox already flushed), the alarm keeps the object and re-arms the expiry.
    await runDurableObjectAlarm(detectorFor(env, who));
    await idleFor(who, 20);
    await runDurableObjectAlarm(detectorFor(env, who));
    expect((await exported(who)).sessions.length).toBe(1);
    const rearmed = await runInDurableObject(detectorFor(env, who), (_i, state) => state.storage.getAlarm());
    expect(rearmed).not.toBeNull();
    expect(await d1Rows(tenantId)).toBeGreaterThan(0);

    await idleFor(who, 31);
    await runDurableObjectAlarm(detectorFor(env, who));
    expect(await exported(who)).toMatchObject({ sessions: [], recentSignals: [] });
    expect(await markOf(who)).toBeUndefined();
    // Expiry erases like the learner's own erasure: the rows that reached D1 go too.
    expect(await d1Rows(tenantId)).toBe(0);
  });

  it("a learner whose writes still wait in the outbox at expiry is wiped without replaying them", async () => {
    const tenantId = freshTenant();
    const who = learnerOf(tenantId);
    await activeDuringOutage(who);
    await idleFor(who, 366);
    await runDurableObjectAlarm(detectorFor(env, who));
    expect(await d1Rows(tenantId)).toBe(0);
    expect(await outboxEntries(who)).toBe(0);
    expect((await exported(who)).sessions).toEqual([]);
  });
});

describe("offboarding a tenant whose learner's rows still wait in the outbox", () => {
  it("the object wipes itself at its next alarm: D1 gets none of the tenant's rows back", async () => {
    const tenantId = freshTenant();
    const who = learnerOf(tenantId);
    await activeDuringOutage(who);

    // D1 lists no learner of the tenant, so offboarding cannot name this object...
    expect(await exports.default.eraseTenant({ tenantId })).toMatchObject({ objects: 0, done: true });
    // ...and the retry that would have replayed its rows wipes it instead.
    await runDurableObjectAlarm(detectorFor(env, who));
    expect(await d1Rows(tenantId)).toBe(0);
    expect(await outboxEntries(who)).toBe(0);
    expect((await exported(who)).sessions).toEqual([]);
  });

  it("a learner whose new session still waits for the debounced copy is wiped, not copied to D1", async () => {
    const tenantId = freshTenant();
    const who = learnerOf(tenantId);
    // Struggling at the first batch: the struggle event reaches D1 at once, the session row
    // waits for the alarm's copy, so D1 lists no learner of the tenant to offboard.
    await activeWithStruggle(who);
    expect(await d1Rows(tenantId)).toBeGreaterThan(0);
    expect(await exports.default.eraseTenant({ tenantId })).toMatchObject({ objects: 0, done: true });
    expect(await d1Rows(tenantId)).toBe(0);

    await runDurableObjectAlarm(detectorFor(env, who));
    expect(await d1Rows(tenantId)).toBe(0);
    expect((await exported(who)).sessions).toEqual([]);
  });

  it("another tenant's learner with writes waiting replays them as usual", async () => {
    const offboarded = learnerOf(freshTenant());
    const kept = learnerOf(freshTenant());
    await activeDuringOutage(offboarded);
    await activeDuringOutage(kept);
    await exports.default.eraseTenant({ tenantId: offboarded.tenantId });
    await runDurableObjectAlarm(detectorFor(env, kept));
    expect(await d1Rows(kept.tenantId)).toBeGreaterThan(0);
    expect((await exported(kept)).sessions.length).toBe(1);
  });
});
