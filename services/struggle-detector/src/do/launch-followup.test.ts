// A launch's session answers from the learner's object at once; its D1 row, analytics event and
// retention mark follow from the alarm, durably (issue 18: a slow D1 or analytics held launches).
import { runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { env, exports } from "cloudflare:workers";
import type { AuthContext } from "@atomic-guide/shared";
import { IDLE_MARK_KEY } from "@atomic-guide/shared/learner-retention/idle-expiry";
import { afterEach, describe, expect, it, vi } from "vitest";
import { iso, learner, signals } from "../testing/api-calls";
import { LearnerRuntime } from "./runtime";
import { detectorFor } from "./stub";

/** A bound on waiting for the alarm's background writes (a hang guard, not a speed check). */
const WAIT = { timeout: 20_000, interval: 50 };

const sessionRow = (who: AuthContext) =>
  env.DB.prepare("SELECT session_id, launch_id FROM learning_sessions WHERE tenant_id = ? AND user_id = ?")
    .bind(who.tenantId, who.userId)
    .first<{ session_id: string; launch_id: string }>();

const startedEvent = (who: AuthContext) =>
  env.TEST_DB_ANALYTICS.prepare(
    "SELECT event_id FROM learning_events WHERE tenant_id = ? AND user_id = ? AND type = 'session_started'",
  )
    .bind(who.tenantId, who.userId)
    .first<{ event_id: string }>();

const objectState = (who: AuthContext) =>
  runInDurableObject(detectorFor(env, who), async (_i, state) => ({
    sessions: state.storage.sql.exec<{ n: number }>("SELECT COUNT(*) AS n FROM sessions").one().n,
    outbox: state.storage.sql.exec<{ n: number }>("SELECT COUNT(*) AS n FROM _outbox_d1").one().n,
    mark: await state.storage.get(IDLE_MARK_KEY),
  }));

afterEach(async () => {
  await exports.default.controlD1Faults({ mode: "off" });
});

describe("a launch's session", () => {
  it("answers before analytics or the retention policy is asked; the row, event and mark follow from the alarm", async () => {
    const who = learner("followup-first");
    const asked: string[] = [];
    const down = (what: string) => () => {
      asked.push(what);
      return Promise.reject(new Error(`${what} down`));
    };
    const atAnswer = await runInDurableObject(detectorFor(env, who), async (instance, state) => {
      // The object's runtime with analytics and the tenant-policy KV replaced by doubles that note each call.
      const doubles = {
        ...env,
        ANALYTICS: { recordLearningEvents: down("analytics") },
        TENANT_CONFIG: { get: down("kv") },
      };
      Object.assign(instance, { rt: new LearnerRuntime(state, doubles as unknown as Env) });
      const { sessionId } = await instance.openSession(who, { launchId: "launch-first" });
      // Read in the same turn as the answer, before the alarm can run.
      const seen = {
        sessionId,
        asked: [...asked],
        outbox: state.storage.sql.exec<{ n: number }>("SELECT COUNT(*) AS n FROM _outbox_d1").one().n,
        queued: state.storage.sql.exec<{ n: number }>("SELECT COUNT(*) AS n FROM analytics_queue").one().n,
      };
      Object.assign(instance, { rt: new LearnerRuntime(state, env) });
      return seen;
    });
    expect(atAnswer).toMatchObject({ asked: [], outbox: 1, queued: 1 });

    await runDurableObjectAlarm(detectorFor(env, who));
    const { sessionId } = atAnswer;
    await vi.waitFor(
      async () => expect(await sessionRow(who)).toEqual({ session_id: sessionId, launch_id: "launch-first" }),
      WAIT,
    );
    await vi.waitFor(async () => expect(await startedEvent(who)).toEqual({ event_id: `session:${sessionId}` }), WAIT);
    await vi.waitFor(async () => expect((await objectState(who)).mark).toMatchObject({ tenantId: "acme" }), WAIT);
  });

  it("is kept through a D1 outage at launch time and reaches D1 once it recovers", async () => {
    const who = learner("followup-outage");
    await exports.default.controlD1Faults({ mode: "fail" });
    const { sessionId } = await exports.default.openSession(who, { launchId: "launch-outage" });
    expect(sessionId).toBeTruthy();
    // Whatever the alarm tried meanwhile failed: the row waits in the object's outbox.
    expect((await objectState(who)).outbox).toBeGreaterThan(0);
    expect(await sessionRow(who)).toBeNull();

    await exports.default.controlD1Faults({ mode: "off" });
    await runDurableObjectAlarm(detectorFor(env, who));
    await vi.waitFor(
      async () => expect(await sessionRow(who)).toEqual({ session_id: sessionId, launch_id: "launch-outage" }),
      WAIT,
    );
    expect((await objectState(who)).outbox).toBe(0);
  });
  it("takes the launch's id when the page's signals opened the session first", async () => {
    const who = learner("followup-signals-first");
    // The gateway names the session in the page and opens it after the answer: the page may be quicker.
    const sessionId = crypto.randomUUID();
    const sent = await signals(who, { sessionId, signals: [{ type: "scroll", at: iso(-1_000), depth: 0.2 }] });
    expect(sent).toMatchObject({ status: 202, body: { sessionId } });
    expect(await exports.default.openSession(who, { launchId: "launch-late", sessionId })).toEqual({ sessionId });

    await runDurableObjectAlarm(detectorFor(env, who));
    await vi.waitFor(
      async () => expect(await sessionRow(who)).toEqual({ session_id: sessionId, launch_id: "launch-late" }),
      WAIT,
    );
    // A second open of the same session names no other launch.
    await exports.default.openSession(who, { launchId: "launch-other", sessionId });
    await runDurableObjectAlarm(detectorFor(env, who));
    expect(await sessionRow(who)).toEqual({ session_id: sessionId, launch_id: "launch-late" });
  });
});
