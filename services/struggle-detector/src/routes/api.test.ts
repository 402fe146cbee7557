import { runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { tenantConfigKey } from "../detection/thresholds";
import { detectorFor } from "../do/stub";
import { call, iso, learner, signals, stuckBatch } from "../testing/api-calls";
import { moveLastDeliveryBack } from "../testing/delivery-ledger";

describe("POST /api/cognitive/signals", () => {
  it("raises a stuck learner to struggling with exactly one intervention, then none within the cooldown", async () => {
    const who = learner("stuck-1");
    const first = await signals(who, stuckBatch());
    expect(first.status).toBe(202);
    expect(first.body.accepted).toBe(3);
    expect(first.body.struggle.level).toBe("struggling");
    expect(first.body.intervention).toMatchObject({ kind: "prerequisite_resource", elementId: "quiz-1" });

    const second = await signals(who, stuckBatch("quiz-2", -10_000));
    expect(second.body.struggle.level).toBe("struggling");
    expect(second.body.intervention).toBeUndefined();

    // Both the struggle event and the intervention reached D1 through the outbox.
    const events = await env.DB.prepare("SELECT level FROM struggle_events WHERE tenant_id = ? AND user_id = ?")
      .bind("acme", "stuck-1")
      .all();
    expect(events.results.map((r) => r.level)).toContain("struggling");
    const stored = await env.DB.prepare(
      "SELECT intervention_id, kind FROM interventions WHERE tenant_id = ? AND user_id = ?",
    )
      .bind("acme", "stuck-1")
      .all();
    expect(stored.results).toEqual([{ intervention_id: first.body.intervention?.id, kind: "prerequisite_resource" }]);
  });

  it("offers again once the cooldown has passed, and never more than the daily cap", async () => {
    const who = learner("cap-1");
    let delivered = 0;
    for (let i = 0; i < 10; i++) {
      const reply = await signals(who, stuckBatch(`q${i}`, -50_000 + i * 4_000));
      if (reply.body.intervention) delivered++;
      // Move the last delivery back past the cooldown, as if five minutes had gone by.
      await moveLastDeliveryBack(who, 5 * 60_000);
    }
    expect(delivered).toBe(8);
  });

  it("de-duplicates a retried batch and processes signals in their own time order", async () => {
    const who = learner("dedupe-1");
    const batch = {
      signals: [
        { type: "answer_change", at: iso(-3_000), elementId: "q1" },
        { type: "answer_change", at: iso(-9_000), elementId: "q1" },
        { type: "answer_change", at: iso(-6_000), elementId: "q1" },
        { type: "answer_change", at: iso(-6_000), elementId: "q1" },
      ],
    };
    const first = await signals(who, batch);
    expect(first.body).toMatchObject({ accepted: 3, duplicates: 1 });
    const retry = await signals(who, batch);
    expect(retry.body).toMatchObject({ accepted: 0, duplicates: 4 });
    await runInDurableObject(detectorFor(env, who), (_instance, state) => {
      const rows = state.storage.sql.exec<{ at_ms: number }>("SELECT at_ms FROM signals ORDER BY rowid").toArray();
      const times = rows.map((r) => r.at_ms);
      // Stored (and so fed to the detector) oldest first, whatever the arrival order.
      expect(times).toEqual([...times].sort((a, b) => a - b));
      expect(times).toHaveLength(3);
    });
  });

  it.each([
    ["an empty batch", { signals: [] }],
    ["over 100 signals", { signals: Array.from({ length: 101 }, (_, i) => ({ type: "click", at: iso(-i) })) }],
    ["an unknown type", { signals: [{ type: "telepathy", at: iso(0) }] }],
    ["a time far in the future", { signals: [{ type: "click", at: iso(10 * 60_000) }] }],
    ["a time older than a day", { signals: [{ type: "click", at: iso(-25 * 3_600_000) }] }],
    ["a wrongly typed field", { signals: [{ type: "hover", at: iso(0), durationMs: "long" }] }],
    ["a non-ISO time", { signals: [{ type: "click", at: "yesterday" }] }],
    ["no signals at all", { sessionId: "s1" }],
  ])("refuses %s with 400 and stores nothing", async (_name, body) => {
    const who = learner("bad-batch");
    const reply = await signals(who, { ...body });
    expect(reply.status).toBe(400);
    expect(reply.body.error?.code).toMatch(/^invalid_/);
    const sessions = await runInDurableObject(detectorFor(env, who), (_i, state) =>
      state.storage.sql.exec("SELECT name FROM sqlite_master WHERE name = 'signals'").toArray().length === 0
        ? 0
        : state.storage.sql.exec<{ n: number }>("SELECT COUNT(*) AS n FROM signals").one().n,
    );
    expect(sessions).toBe(0);
  });

  it("accepts exactly 100 signals", async () => {
    const reply = await signals(learner("hundred"), {
      signals: Array.from({ length: 100 }, (_, i) => ({ type: "click", at: iso(-i * 10) })),
    });
    expect(reply.status).toBe(202);
    expect(reply.body.accepted).toBe(100);
  });

  it("refuses malformed JSON with the envelope", async () => {
    const res = await call(learner("bad-json"), "POST", "/api/cognitive/signals", "{nope");
    expect(res.status).toBe(400);
    expect(await res.json()).toEqual({ error: { code: "invalid_json", message: expect.any(String) } });
  });

  it("uses a tenant's configuration override from KV", async () => {
    const who = learner("strict-1", "strict-uni");
    await env.TENANT_CONFIG.put(tenantConfigKey("strict-uni"), JSON.stringify({ wrongAnswers: 5, wheelAttempts: 5 }));
    const reply = await signals(who, stuckBatch());
    // Three wrong answers are neither "wrong answers" nor wheel-spinning under thresholds of five.
    expect(reply.body.struggle.level).toBe("none");
    expect(reply.body.intervention).toBeUndefined();
  });

  it("offers chat, worded by chat, to a learner asking for help", async () => {
    const reply = await signals(learner("helpme"), {
      signals: [
        { type: "help_request", at: iso(-2_000), elementId: "para-3" },
        { type: "help_request", at: iso(-1_000), elementId: "para-3" },
      ],
    });
    expect(reply.body.struggle.level).toBe("struggling");
    expect(reply.body.intervention).toMatchObject({
      kind: "chat_offer",
      elementId: "para-3",
      suggestion: { text: expect.any(String), provider: "offline" },
    });
  });

  it("offers no chat to a learner who is chatting; chat messages alone raise nothing", async () => {
    const who = learner("chatting");
    const chat = await signals(who, {
      signals: [0, 1, 2, 3].map((i) => ({ type: "help_request", contentType: "chat", at: iso(-9_000 + i * 1_000) })),
    });
    expect(chat.body.struggle).toEqual({ score: 0, level: "none" });
    const stuck = await signals(who, {
      signals: [
        { type: "help_request", at: iso(-2_000), elementId: "para-3" },
        { type: "help_request", at: iso(-1_000), elementId: "para-3" },
      ],
    });
    expect(stuck.body.intervention).toMatchObject({ kind: "hint", elementId: "para-3" });
  });
});

describe("responding to interventions", () => {
  it("records the outcome; another learner or tenant gets 404", async () => {
    const who = learner("responder");
    const { body } = await signals(who, stuckBatch());
    const id = body.intervention?.id as string;
    expect(id).toBeTruthy();

    const other = await call(learner("responder", "other-tenant"), "POST", `/api/interventions/${id}/respond`, {
      action: "helpful",
    });
    expect(other.status).toBe(404);
    const sibling = await call(learner("someone-else"), "POST", `/api/interventions/${id}/respond`, {
      action: "helpful",
    });
    expect(sibling.status).toBe(404);
    const bad = await call(who, "POST", `/api/interventions/${id}/respond`, { action: "love_it" });
    expect(bad.status).toBe(400);

    const ok = await call(who, "POST", `/api/interventions/${id}/respond`, { action: "helpful" });
    expect(ok.status).toBe(200);
    expect(await ok.json()).toMatchObject({ intervention: { id, outcome: "helpful" } });
    const row = await env.DB.prepare(
      "SELECT outcome FROM interventions WHERE tenant_id = 'acme' AND intervention_id = ?",
    )
      .bind(id)
      .first();
    expect(row).toEqual({ outcome: "helpful" });

    const profile = (await (await call(who, "GET", "/api/learners/me/profile")).json()) as {
      outcomes: { helpful: number };
      interventions: number;
    };
    expect(profile.outcomes.helpful).toBe(1);
    expect(profile.interventions).toBe(1);
  });
});

describe("learner history", () => {
  it("pages sessions and interventions with cursors, and shows nothing of other learners", async () => {
    const who = learner("pager");
    for (let i = 0; i < 3; i++) {
      const sessionId = `sess-${i}`;
      await signals(who, { sessionId, signals: [{ type: "click", at: iso(-1_000) }] });
    }
    const page1 = (await (await call(who, "GET", "/api/learners/me/sessions?limit=2")).json()) as {
      sessions: { sessionId: string }[];
      nextCursor: string | null;
    };
    expect(page1.sessions).toHaveLength(2);
    expect(page1.nextCursor).toBeTruthy();
    const page2 = (await (
      await call(who, "GET", `/api/learners/me/sessions?limit=2&cursor=${page1.nextCursor}`)
    ).json()) as typeof page1;
    expect(page2.sessions).toHaveLength(1);
    expect(page2.nextCursor).toBeNull();
    expect(new Set([...page1.sessions, ...page2.sessions].map((s) => s.sessionId))).toEqual(
      new Set(["sess-0", "sess-1", "sess-2"]),
    );

    const stranger = (await (
      await call(learner("pager", "other-tenant"), "GET", "/api/learners/me/sessions")
    ).json()) as typeof page1;
    expect(stranger.sessions).toEqual([]);

    expect((await call(who, "GET", "/api/learners/me/sessions?limit=101")).status).toBe(400);
    expect((await call(who, "GET", "/api/learners/me/sessions?cursor=garbage")).status).toBe(400);
  });

  it("lists the learner's interventions", async () => {
    const who = learner("history");
    const { body } = await signals(who, stuckBatch());
    const res = await call(who, "GET", "/api/learners/me/interventions?limit=10");
    expect(res.status).toBe(200);
    const page = (await res.json()) as { interventions: { id: string; kind: string }[]; nextCursor: string | null };
    expect(page.interventions.map((i) => i.id)).toEqual([body.intervention?.id]);
    expect(page.nextCursor).toBeNull();
  });
});
