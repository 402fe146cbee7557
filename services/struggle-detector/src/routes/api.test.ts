import { runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { env, exports } from "cloudflare:workers";
import { type AuthContext, encodeAuthContext } from "@atomic-guide/shared";
import { callAs } from "@atomic-guide/testing/service-call";
import { withSocketToken } from "@atomic-guide/testing/socket-token";
import { describe, expect, it } from "vitest";
import { tenantConfigKey } from "../detection/thresholds";
import { detectorFor } from "../do/stub";

const learner = (userId: string, tenantId = "acme"): AuthContext => ({
  tenantId,
  userId,
  roles: ["http://purl.imsglobal.org/vocab/lis/v2/membership#Learner"],
  isInstructor: false,
  contextId: "course-1",
});

const call = callAs("struggle-detector");

const iso = (offsetMs: number) => new Date(Date.now() + offsetMs).toISOString();

/** Three wrong answers in a row on one quiz: unmistakably stuck. */
const stuckBatch = (elementId = "quiz-1", base = -20_000) => ({
  signals: [0, 1, 2].map((i) => ({ type: "quiz_attempt", at: iso(base + i * 2_000), elementId, correct: false })),
});

interface SignalsReply {
  accepted: number;
  duplicates: number;
  sessionId: string;
  struggle: { score: number; level: string };
  intervention?: { id: string; kind: string; elementId?: string; suggestion?: { text: string } };
}

async function signals(auth: AuthContext, body: unknown) {
  const res = await call(auth, "POST", "/api/cognitive/signals", body);
  return { status: res.status, body: (await res.json()) as SignalsReply & { error?: { code: string } } };
}

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
    const stub = detectorFor(env, who);
    let delivered = 0;
    for (let i = 0; i < 10; i++) {
      const reply = await signals(who, stuckBatch(`q${i}`, -50_000 + i * 4_000));
      if (reply.body.intervention) delivered++;
      // Move the last delivery back past the cooldown, as if five minutes had gone by.
      await runInDurableObject(stub, (_instance, state) => {
        const row = state.storage.sql.exec<{ value: string }>("SELECT value FROM meta WHERE key = 'ledger'").one();
        const ledger = JSON.parse(row.value) as { lastAt: number | null };
        if (ledger.lastAt !== null) ledger.lastAt -= 5 * 60_000;
        state.storage.sql.exec("UPDATE meta SET value = ? WHERE key = 'ledger'", JSON.stringify(ledger));
      });
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

describe("/ws/signals", () => {
  it("pushes an intervention to an open socket as soon as it is chosen", async () => {
    const who = learner("socket-1");
    const res = await exports.default.fetch(
      new Request("http://struggle-detector/ws/signals", {
        headers: { Upgrade: "websocket", "X-Atomic-Auth": encodeAuthContext(withSocketToken(who)) },
      }),
    );
    expect(res.status).toBe(101);
    const ws = res.webSocket as WebSocket;
    ws.accept();
    const messages: { type: string; intervention?: { id: string } }[] = [];
    const got = new Promise<void>((resolve) => {
      ws.addEventListener("message", (e) => {
        messages.push(JSON.parse(e.data as string));
        if (messages.some((m) => m.type === "intervention")) resolve();
      });
    });
    const reply = await signals(who, stuckBatch());
    await got;
    const pushed = messages.find((m) => m.type === "intervention");
    expect(pushed?.intervention?.id).toBe(reply.body.intervention?.id);
    ws.close(1000, "done");
  });

  it("accepts signals over the socket and acknowledges them; bad messages get an error, not a close", async () => {
    const who = learner("socket-2");
    const res = await exports.default.fetch(
      new Request("http://struggle-detector/ws/signals", {
        headers: { Upgrade: "websocket", "X-Atomic-Auth": encodeAuthContext(withSocketToken(who)) },
      }),
    );
    const ws = res.webSocket as WebSocket;
    ws.accept();
    const next = () =>
      new Promise<{ type: string; accepted?: number; code?: string }>((resolve) =>
        ws.addEventListener("message", (e) => resolve(JSON.parse(e.data as string)), { once: true }),
      );
    let reply = next();
    ws.send(JSON.stringify({ type: "signals", signals: [{ type: "click", at: iso(-500) }] }));
    expect(await reply).toMatchObject({ type: "ack", accepted: 1 });
    reply = next();
    ws.send(JSON.stringify({ type: "signals", signals: [] }));
    expect(await reply).toMatchObject({ type: "error", code: "invalid_request" });
    ws.close(1000, "done");
  });

  it("refuses a plain request", async () => {
    const res = await call(learner("socket-3"), "GET", "/ws/signals");
    expect(res.status).toBe(426);
  });
});

describe("RPC", () => {
  it("opens a session at launch and resumes it", async () => {
    const who = learner("launcher");
    const { sessionId } = await exports.default.openSession(who, { launchId: "launch-1" });
    expect(sessionId).toBeTruthy();
    expect(await exports.default.openSession(who, { launchId: "launch-2", sessionId })).toEqual({ sessionId });
    const row = await env.DB.prepare(
      "SELECT launch_id FROM learning_sessions WHERE tenant_id = 'acme' AND user_id = 'launcher'",
    ).first();
    expect(row).toEqual({ launch_id: "launch-1" });
  });

  it("exports and then erases everything about the learner", async () => {
    const who = learner("leaver");
    await signals(who, stuckBatch());
    await runDurableObjectAlarm(detectorFor(env, who));
    const exported = (await exports.default.exportLearner(who)) as {
      sessions: unknown[];
      interventions: unknown[];
      struggleEvents: unknown[];
    };
    expect(exported.sessions).toHaveLength(1);
    expect(exported.interventions).toHaveLength(1);
    expect(exported.struggleEvents.length).toBeGreaterThan(0);

    const { deleted } = await exports.default.eraseLearner(who);
    expect(deleted).toBeGreaterThan(0);
    for (const table of ["learning_sessions", "struggle_events", "interventions", "learner_profiles"]) {
      const n = await env.DB.prepare(
        `SELECT COUNT(*) AS n FROM ${table} WHERE tenant_id = 'acme' AND user_id = 'leaver'`,
      ).first("n");
      expect(n).toBe(0);
    }
    const after = (await exports.default.exportLearner(who)) as typeof exported;
    expect(after.sessions).toEqual([]);
    expect(after.interventions).toEqual([]);
  });

  it("copies sessions and the profile to D1 from the alarm, batched", async () => {
    const who = learner("batched");
    for (let i = 0; i < 5; i++) await signals(who, { signals: [{ type: "click", at: iso(-5_000 + i * 100) }] });
    expect(await runDurableObjectAlarm(detectorFor(env, who))).toBe(true);
    const session = await env.DB.prepare(
      "SELECT signal_count FROM learning_sessions WHERE tenant_id = 'acme' AND user_id = 'batched'",
    ).first();
    expect(session).toEqual({ signal_count: 5 });
    const profile = await env.DB.prepare(
      "SELECT profile FROM learner_profiles WHERE tenant_id = 'acme' AND user_id = 'batched'",
    ).first<{ profile: string }>();
    expect(JSON.parse(profile?.profile ?? "{}")).toMatchObject({ signals: 5, sessions: 1 });
  });
});
