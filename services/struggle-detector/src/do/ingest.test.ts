import { runInDurableObject } from "cloudflare:test";
import { env, exports } from "cloudflare:workers";
import { type AuthContext, encodeAuthContext, LearningEventSchema } from "@atomic-guide/shared";
import * as v from "valibot";
import { describe, expect, it } from "vitest";
import type { SignalBatch } from "../detection/signals";
import { iso, learner } from "../testing/api-calls";
import { moveLastDeliveryBack } from "../testing/delivery-ledger";
import { ingest } from "./ingest";
import { claim } from "./owner";
import { LearnerRuntime } from "./runtime";
import { SESSION_IDLE_MS } from "./sessions";
import { detectorFor } from "./stub";

/** Three wrong answers on one item: struggling, with a prerequisite resource offered. */
const stuckBatch = (elementId = "quiz-1", base = -20_000) => ({
  signals: [0, 1, 2].map((i) => ({
    type: "quiz_attempt" as const,
    at: iso(base + i * 2_000),
    elementId,
    correct: false,
  })),
});
const helpBatch = () => ({
  signals: [-2_000, -1_000].map((o) => ({ type: "help_request" as const, at: iso(o), elementId: "para-3" })),
});

async function post(who: AuthContext, body: unknown) {
  const res = await exports.default.fetch(
    new Request("http://struggle-detector/api/cognitive/signals", {
      method: "POST",
      headers: { "X-Atomic-Auth": encodeAuthContext(who), "Content-Type": "application/json" },
      body: JSON.stringify(body),
    }),
  );
  return (await res.json()) as {
    accepted: number;
    sessionId: string;
    struggle: { level: string };
    intervention?: { kind: string };
  };
}

/** Runs `ingest` inside the learner's real object, with some bindings replaced by failing doubles. */
function ingestWith(who: AuthContext, bindings: Partial<Env>, batch: SignalBatch) {
  return runInDurableObject(detectorFor(env, who), async (_instance, state) => {
    const rt = new LearnerRuntime(state, { ...env, ...bindings } as Env);
    // As the object's RPC does: the caller becomes the object's owner, for whom the alarm retries.
    const result = await ingest(rt, claim(rt.store, who), batch);
    const queued = state.storage.sql
      .exec<{ body: string }>("SELECT body FROM analytics_queue ORDER BY seq")
      .toArray()
      .map((q) => v.parse(LearningEventSchema, JSON.parse(q.body)));
    return { result, queued, alarm: await state.storage.getAlarm() };
  });
}

const down = () => Promise.reject(new Error("service down"));

describe("learning events for analytics", () => {
  it("sends struggle_detected (and the rest) to analytics, which stores them", async () => {
    const who = learner("events-up");
    await post(who, stuckBatch());
    const rows = await env.TEST_DB_ANALYTICS.prepare(
      "SELECT type, level, element_id FROM learning_events WHERE tenant_id = 'acme' AND user_id = ? ORDER BY type",
    )
      .bind(who.userId)
      .all();
    expect(rows.results).toEqual([
      { type: "intervention_delivered", level: null, element_id: "quiz-1" },
      { type: "session_started", level: null, element_id: null },
      { type: "struggle_detected", level: "struggling", element_id: "quiz-1" },
    ]);
    const queued = await runInDurableObject(detectorFor(env, who), (_i, state) =>
      state.storage.sql.exec<{ n: number }>("SELECT COUNT(*) AS n FROM analytics_queue").one(),
    );
    expect(queued.n).toBe(0);
  });

  it("keeps them queued, well-formed and for this learner only, while analytics is down, with a retry set", async () => {
    const who = learner("events-down");
    const { queued, alarm } = await ingestWith(
      who,
      { ANALYTICS: { recordLearningEvents: down } as never },
      stuckBatch(),
    );
    expect(queued.map((e) => e.type)).toEqual(["session_started", "struggle_detected", "intervention_delivered"]);
    expect(queued.every((e) => e.tenantId === "acme" && e.userId === who.userId && e.contextId === "course-1")).toBe(
      true,
    );
    expect(alarm).not.toBeNull();
  });
});

describe("a chat offer when chat cannot answer", () => {
  it("falls back to a hint on the element when chat fails", async () => {
    const { result } = await ingestWith(learner("chat-down"), { CHAT: { suggest: down } as never }, helpBatch());
    expect(result.intervention).toMatchObject({ kind: "hint", elementId: "para-3" });
    expect(result.intervention?.suggestion).toBeUndefined();
  });

  it("falls back when chat answers with nothing", async () => {
    const empty = () => Promise.resolve({ suggestion: "", provider: "offline" });
    const { result } = await ingestWith(learner("chat-empty"), { CHAT: { suggest: empty } as never }, helpBatch());
    expect(result.intervention?.kind).toBe("hint");
  });
});

describe("sessions", () => {
  /** Moves the learner's latest activity back by `ms`, as if that long had passed. */
  const age = (who: AuthContext, ms: number) =>
    runInDurableObject(detectorFor(env, who), (_i, state) => {
      state.storage.sql.exec("UPDATE sessions SET last_activity_ms = last_activity_ms - ?", ms);
    });
  const click = () => ({ signals: [{ type: "click", at: iso(-100) }] });

  it("continues the session within SESSION_IDLE_MS and starts a new one after it", async () => {
    const who = learner("roll-over");
    const first = await post(who, click());
    await age(who, SESSION_IDLE_MS - 60_000);
    expect((await post(who, { signals: [{ type: "click", at: iso(-50) }] })).sessionId).toBe(first.sessionId);
    await age(who, SESSION_IDLE_MS);
    const third = await post(who, { signals: [{ type: "click", at: iso(-10) }] });
    expect(third.sessionId).not.toBe(first.sessionId);
  });
});

describe("a new session after a struggling one", () => {
  it("starts calm even when the new client's clock runs behind the last session's signals", async () => {
    const who = learner("relaunch");
    const first = await post(who, { sessionId: "launch-1", ...stuckBatch("quiz-1", -20_000) });
    expect(first.struggle.level).toBe("struggling");
    // The next launch's page clock is a minute behind: three chat messages, then a dwell.
    const chat = await post(who, {
      sessionId: "launch-2",
      signals: [
        ...[-80_000, -75_000, -70_000].map((o) => ({
          type: "help_request",
          at: iso(o),
          elementId: "intro",
          contentType: "chat",
        })),
        { type: "hover", at: iso(-65_000), elementId: "intro", durationMs: 15_000, wordCount: 40, contentType: "text" },
      ],
    });
    expect(chat.sessionId).toBe("launch-2");
    expect(chat.struggle.level).toBe("none");
  });
});

describe("a batch of only duplicates", () => {
  it("never triggers an intervention, even when one would be allowed", async () => {
    const who = learner("dupes");
    const batch = stuckBatch();
    expect((await post(who, batch)).intervention).toBeDefined();
    // Past the cooldown: a new batch could be offered help again.
    await moveLastDeliveryBack(who, 60 * 60_000);
    const retried = await post(who, batch);
    expect(retried.accepted).toBe(0);
    expect(retried.struggle.level).toBe("struggling");
    expect(retried.intervention).toBeUndefined();
    // The same gate lets a batch with something new through.
    expect((await post(who, stuckBatch("quiz-2", -10_000))).intervention).toBeDefined();
  });
});

describe("learning from responses", () => {
  const respond = (who: AuthContext, id: string, action: string) =>
    exports.default.fetch(
      new Request(`http://struggle-detector/api/interventions/${id}/respond`, {
        method: "POST",
        headers: { "X-Atomic-Auth": encodeAuthContext(who), "Content-Type": "application/json" },
        body: JSON.stringify({ action }),
      }),
    );
  const pastCooldown = (who: AuthContext) => moveLastDeliveryBack(who, 6 * 60_000);

  it("backs off a dismissed kind for this learner and counts ratings for the course", async () => {
    const who = learner("dismisser");
    const first = (await post(who, stuckBatch("q1", -60_000))) as { intervention?: { id: string; kind: string } };
    expect(first.intervention?.kind).toBe("prerequisite_resource");
    expect((await respond(who, first.intervention?.id as string, "dismissed")).status).toBe(200);
    await pastCooldown(who);
    const second = (await post(who, stuckBatch("q2", -20_000))) as { intervention?: { id: string; kind: string } };
    expect(second.intervention?.kind).toBe("hint");

    expect((await respond(who, second.intervention?.id as string, "helpful")).status).toBe(200);
    const counts = await env.DB.prepare(
      "SELECT driver, kind, helpful, not_helpful FROM course_kind_outcomes WHERE tenant_id = 'acme' AND context_id = 'course-1'",
    ).all();
    expect(counts.results).toEqual([{ driver: "wrongAnswers", kind: "hint", helpful: 1, not_helpful: 0 }]);
  });
});
