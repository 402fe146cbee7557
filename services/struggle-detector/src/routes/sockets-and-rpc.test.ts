// The /ws/signals upgrade as forwarded by the gateway, and the RPC methods the gateway calls.
import { runDurableObjectAlarm } from "cloudflare:test";
import { env, exports } from "cloudflare:workers";
import { encodeAuthContext } from "@atomic-guide/shared";
import { withSocketToken } from "@atomic-guide/testing/socket-token";
import { describe, expect, it } from "vitest";
import { detectorFor } from "../do/stub";
import { call, iso, learner, signals, stuckBatch } from "../testing/api-calls";

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
