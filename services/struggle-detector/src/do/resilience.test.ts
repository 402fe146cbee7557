import { runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { env, exports } from "cloudflare:workers";
import { type AuthContext, encodeAuthContext } from "@atomic-guide/shared";
import { describe, expect, it } from "vitest";
import { detectorFor } from "./stub";

const who: AuthContext = {
  tenantId: "acme",
  userId: "outage-1",
  roles: [],
  isInstructor: false,
  contextId: "course-1",
};
const iso = (offsetMs: number) => new Date(Date.now() + offsetMs).toISOString();

const post = (path: string, body: unknown) =>
  exports.default.fetch(
    new Request(`http://struggle-detector${path}`, {
      method: "POST",
      headers: { "X-Atomic-Auth": encodeAuthContext(who), "Content-Type": "application/json" },
      body: JSON.stringify(body),
    }),
  );
const get = (path: string) =>
  exports.default.fetch(
    new Request(`http://struggle-detector${path}`, { headers: { "X-Atomic-Auth": encodeAuthContext(who) } }),
  );

const countIn = async (table: string) =>
  env.DB.prepare(`SELECT COUNT(*) AS n FROM ${table} WHERE tenant_id = 'acme' AND user_id = 'outage-1'`).first<number>(
    "n",
  );

describe("while D1 is down", () => {
  it("keeps detecting and intervening, holds the writes in the outbox and replays them when D1 is back", async () => {
    await exports.default.controlD1Faults({ mode: "fail" });
    const res = await post("/api/cognitive/signals", {
      signals: [0, 1, 2].map((i) => ({
        type: "quiz_attempt",
        at: iso(-10_000 + i * 1_000),
        elementId: "quiz-9",
        correct: false,
      })),
    });
    expect(res.status).toBe(202);
    const body = (await res.json()) as { struggle: { level: string }; intervention?: { id: string } };
    expect(body.struggle.level).toBe("struggling");
    expect(body.intervention).toBeDefined();
    expect(await countIn("interventions")).toBe(0);
    const pending = await runInDurableObject(
      detectorFor(env, who),
      (_i, state) => state.storage.sql.exec<{ n: number }>("SELECT COUNT(*) AS n FROM _outbox_d1").one().n,
    );
    expect(pending).toBeGreaterThan(0);

    // The learner's history is the object's own: it answers live, the new intervention included.
    const live = await get("/api/learners/me/interventions");
    expect(live.status).toBe(200);
    expect(live.headers.get("X-Atomic-Degraded")).toBeNull();
    const listed = (await live.json()) as { interventions: { id: string }[] };
    expect(listed.interventions.map((i) => i.id)).toEqual([body.intervention?.id]);

    await exports.default.controlD1Faults({ mode: "off" });
    await runDurableObjectAlarm(detectorFor(env, who));
    expect(await countIn("interventions")).toBe(1);
    expect(await countIn("struggle_events")).toBeGreaterThan(0);
    expect(await countIn("learning_sessions")).toBe(1);
  });
});
