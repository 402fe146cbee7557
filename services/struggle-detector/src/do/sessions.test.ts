// A learning session opens at the page's first signal, not at the launch (issue 18): the launch
// names it in the page, the caller's token carries the launch, and the session's D1 row and
// session_started event follow from the object's alarm, durably.
import { runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { env, exports } from "cloudflare:workers";
import type { AuthContext } from "@atomic-guide/shared";
import { clearIdleMark, readIdleMark } from "@atomic-guide/shared/learner-retention/idle-expiry";
import { afterEach, describe, expect, it, vi } from "vitest";
import { iso, learner, signals } from "../testing/api-calls";
import type { LearnerRuntime } from "./runtime";
import { detectorFor } from "./stub";

/** A bound on waiting for the alarm's background writes (a hang guard, not a speed check). */
const WAIT = { timeout: 20_000, interval: 50 };

const launchedLearner = (userId: string, launchId: string): AuthContext => ({ ...learner(userId), launchId });

const sessionRows = async (who: AuthContext) =>
  (
    await env.DB.prepare("SELECT session_id, launch_id FROM learning_sessions WHERE tenant_id = ? AND user_id = ?")
      .bind(who.tenantId, who.userId)
      .all<{ session_id: string; launch_id: string | null }>()
  ).results;

const startedEvents = async (who: AuthContext) =>
  (
    await env.TEST_DB_ANALYTICS.prepare(
      "SELECT event_id FROM learning_events WHERE tenant_id = ? AND user_id = ? AND type = 'session_started'",
    )
      .bind(who.tenantId, who.userId)
      .all<{ event_id: string }>()
  ).results;

const objectState = (who: AuthContext) =>
  runInDurableObject(detectorFor(env, who), async (_i, state) => ({
    sessions: state.storage.sql.exec<{ n: number }>("SELECT COUNT(*) AS n FROM sessions").one().n,
    outbox: state.storage.sql.exec<{ n: number }>("SELECT COUNT(*) AS n FROM _outbox_d1").one().n,
    queuedEvents: state.storage.sql.exec<{ n: number }>("SELECT COUNT(*) AS n FROM analytics_queue").one().n,
    mark: readIdleMark(state.storage),
  }));

const scroll = (sessionId: string, offsetMs = -1_000) => ({
  sessionId,
  signals: [{ type: "scroll", at: iso(offsetMs), depth: 0.2 }],
});

afterEach(async () => {
  await exports.default.controlD1Faults({ mode: "off" });
});

describe("a learning session", () => {
  it("opens at the page's first signal under the name the launch gave it, recording the token's launch", async () => {
    const who = launchedLearner("session-first-signal", "launch-first");
    const sessionId = crypto.randomUUID();
    // Nothing exists for this learner until their page reports activity.
    expect((await objectState(who)).sessions).toBe(0);

    const sent = await signals(who, scroll(sessionId));
    expect(sent).toMatchObject({ status: 202, body: { accepted: 1, sessionId } });
    // The answer waited for none of the follow-up work (a D1 batch, an analytics call, the
    // retention mark's reads and write): it all waits in the object for the alarm after it.
    expect(await objectState(who)).toMatchObject({ sessions: 1, outbox: 0, queuedEvents: 1, mark: undefined });
    expect(await sessionRows(who)).toEqual([]);

    await runDurableObjectAlarm(detectorFor(env, who));
    await vi.waitFor(
      async () => expect(await sessionRows(who)).toEqual([{ session_id: sessionId, launch_id: "launch-first" }]),
      WAIT,
    );
    await vi.waitFor(
      async () => expect(await startedEvents(who)).toEqual([{ event_id: `session:${sessionId}` }]),
      WAIT,
    );
    // The first signal is activity: the retention mark follows from it.
    await vi.waitFor(async () => expect((await objectState(who)).mark).toMatchObject({ tenantId: "acme" }), WAIT);
  });

  it("is the same session for the page's later batches, opened once", async () => {
    const who = launchedLearner("session-later-batches", "launch-later");
    const sessionId = crypto.randomUUID();
    await signals(who, scroll(sessionId, -3_000));
    const again = await signals(who, scroll(sessionId, -2_000));
    expect(again).toMatchObject({ status: 202, body: { sessionId } });
    expect((await objectState(who)).sessions).toBe(1);
    await runDurableObjectAlarm(detectorFor(env, who));
    await vi.waitFor(async () => expect(await startedEvents(who)).toHaveLength(1), WAIT);
  });

  it("is kept through a D1 outage at its first signal and reaches D1 once it recovers", async () => {
    const who = launchedLearner("session-outage", "launch-outage");
    const sessionId = crypto.randomUUID();
    await exports.default.controlD1Faults({ mode: "fail" });
    expect(await signals(who, scroll(sessionId))).toMatchObject({ status: 202, body: { sessionId } });
    // The alarm's copy fails: the row waits in the object's outbox.
    await runDurableObjectAlarm(detectorFor(env, who));
    expect((await objectState(who)).outbox).toBeGreaterThan(0);
    expect(await sessionRows(who)).toEqual([]);

    await exports.default.controlD1Faults({ mode: "off" });
    await runDurableObjectAlarm(detectorFor(env, who));
    await vi.waitFor(
      async () => expect(await sessionRows(who)).toEqual([{ session_id: sessionId, launch_id: "launch-outage" }]),
      WAIT,
    );
    expect((await objectState(who)).outbox).toBe(0);
  });

  it("still records the activity an earlier version's launch left for the alarm", async () => {
    const who = launchedLearner("session-upgrade", "launch-upgrade");
    await signals(who, scroll(crypto.randomUUID()));
    await runDurableObjectAlarm(detectorFor(env, who));
    const launchedAt = Date.now() - 1_000;
    await runInDurableObject(detectorFor(env, who), async (instance, state) => {
      clearIdleMark(state.storage);
      (instance as unknown as { rt: LearnerRuntime }).rt.store.setMeta("pendingActivityMs", launchedAt);
    });
    await runDurableObjectAlarm(detectorFor(env, who));
    await vi.waitFor(
      async () => expect((await objectState(who)).mark).toMatchObject({ tenantId: "acme", atMs: launchedAt }),
      WAIT,
    );
  });
});
