// How long a learner object waits for analytics: briefly where a request waits on the flush, long
// enough from the alarm that an overloaded analytics is not sent the same batch again and again.
import { runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import type { AuthContext } from "@atomic-guide/shared";
import { describe, expect, it } from "vitest";
import { iso, learner, signals } from "../testing/api-calls";
import { ANALYTICS_WAIT_MS, queueEvent } from "./analytics-queue";
import { LearnerRuntime } from "./runtime";
import { detectorFor } from "./stub";
import { afterWrite, runAlarm } from "./write-behind";

/** Analytics that stores every batch but acknowledges it only after a second more than a request waits. */
const SLOW_ACK_MS = ANALYTICS_WAIT_MS.request + 1_000;

function slowAnalytics(calls: { n: number }) {
  return {
    recordLearningEvents: async () => {
      calls.n++;
      await new Promise((resolve) => setTimeout(resolve, SLOW_ACK_MS));
      return { stored: 1 };
    },
  };
}

/**
 * A learner whose first signal's follow-up has run and whose object has no alarm left, so nothing but the
 * call under test can send the queue (the object's own alarm would, with the real analytics).
 */
async function launched(who: AuthContext, launchId: string) {
  const opened = await signals({ ...who, launchId }, { signals: [{ type: "scroll", at: iso(-1_000), depth: 0.2 }] });
  if (opened.status !== 202) throw new Error(`signals: ${opened.status}`);
  await runDurableObjectAlarm(detectorFor(env, who));
  await runInDurableObject(detectorFor(env, who), (_instance, state) => state.storage.deleteAlarm());
}

/** One event of our own in the queue, whatever the launch's alarm already sent. */
function withEventQueued(rt: LearnerRuntime, who: AuthContext): LearnerRuntime {
  const sessionId = crypto.randomUUID();
  queueEvent(rt, who, {
    type: "session_started",
    eventId: `session:${sessionId}`,
    sessionId,
    at: new Date().toISOString(),
  });
  return rt;
}

/**
 * Runs `flush` in a launched learner's object with one event of ours queued and a slow analytics;
 * answers how often analytics was asked and how many events are still queued afterwards.
 */
async function flushWithSlowAck(userId: string, flush: (rt: LearnerRuntime) => Promise<void>) {
  const who = learner(userId);
  await launched(who, `launch-${userId}`);
  const calls = { n: 0 };
  const queued = await runInDurableObject(detectorFor(env, who), async (_instance, state) => {
    const rt = new LearnerRuntime(state, { ...env, ANALYTICS: slowAnalytics(calls) } as unknown as Env);
    await flush(withEventQueued(rt, who));
    return state.storage.sql.exec<{ n: number }>("SELECT COUNT(*) AS n FROM analytics_queue").one().n;
  });
  return { asked: calls.n, queued };
}

describe("waiting for analytics", () => {
  it("gives up after the request wait on a learner's write, and keeps the events for the alarm", async () => {
    const { asked, queued } = await flushWithSlowAck("slow-ack-request", afterWrite);
    expect(asked).toBe(1);
    expect(queued).toBeGreaterThan(0);
  });

  it("waits out a slow acknowledgement from the alarm, so the batch is sent once and leaves the queue", async () => {
    expect(await flushWithSlowAck("slow-ack-alarm", runAlarm)).toEqual({ asked: 1, queued: 0 });
  });
});
