// /ws/chat sockets end at their token's expiry, when the tenant turns chat off, when the
// registration behind their token is revoked and when the learner is erased, each with its
// documented close code (docs/api.md, Realtime).
import { runDurableObjectAlarm } from "cloudflare:test";
import { env, exports } from "cloudflare:workers";
import { expectClosedAtTokenExpiry, socketRoute } from "@atomic-guide/testing/socket-route";
import { socketToken, withSocketToken } from "@atomic-guide/testing/socket-token";
import { describe, expect, it } from "vitest";
import { learner } from "../testing/helpers";
import { learnerStub } from "./stubs";

const { upgrade, open } = socketRoute("http://chat/ws/chat", { "X-Atomic-Ai-Provider": "offline" });

/** Answers a ping while the socket is open: proves it survived. */
async function stillOpen(ws: WebSocket) {
  const pong = new Promise<string>((resolve) =>
    ws.addEventListener("message", (e) => resolve(String(e.data)), { once: true }),
  );
  ws.send(JSON.stringify({ type: "ping" }));
  expect(JSON.parse(await pong)).toEqual({ type: "pong" });
}

describe("/ws/chat limits", () => {
  it("closes the socket with 4401 token_expired when its token expires (the alarm is set for it)", async () => {
    const me = withSocketToken(learner(), { lifetimeMs: 1_500 });
    const expiresAtMs = me.token?.expiresAtMs ?? 0;
    const { ws, closed } = await open(me);
    await stillOpen(ws);
    await expectClosedAtTokenExpiry(learnerStub(env, me), expiresAtMs, closed);
  });

  it("refuses an upgrade without token limits or with an expired token", async () => {
    expect((await upgrade(learner())).status).toBe(401);
    const expired = await upgrade({ ...learner(), token: { ...socketToken(), expiresAtMs: Date.now() - 1 } });
    expect(expired.status).toBe(401);
    expect(((await expired.json()) as { error: { code: string } }).error.code).toBe("token_expired");
  });

  it("closes the tenant's sockets with 4403 feature_disabled when chat is turned off, from the alarm", async () => {
    const me = withSocketToken(learner());
    const other = withSocketToken(learner());
    const mine = await open(me);
    const theirs = await open(other);
    await exports.default.socketPolicyChanged({ tenantId: me.tenantId, features: { chat: false } });
    expect(await runDurableObjectAlarm(learnerStub(env, me))).toBe(true);
    expect(await mine.closed).toEqual({ code: 4403, reason: "feature_disabled" });
    // Another tenant is untouched.
    await runDurableObjectAlarm(learnerStub(env, other));
    await stillOpen(theirs.ws);
    // While it is off, a new socket is refused; turned on again, it is accepted.
    expect((await upgrade(me)).status).toBe(403);
    await exports.default.socketPolicyChanged({ tenantId: me.tenantId, features: { chat: true } });
    await open(me);
  });

  it("closes at the next message, without waiting for the alarm", async () => {
    const me = withSocketToken(learner());
    const { ws, closed } = await open(me);
    await exports.default.socketPolicyChanged({ tenantId: me.tenantId, features: { chat: false } });
    ws.send(JSON.stringify({ type: "message", message: "still there?" }));
    expect(await closed).toEqual({ code: 4403, reason: "feature_disabled" });
  });

  it("closes sockets of a revoked registration's earlier tokens with 4410; later tokens stay", async () => {
    const me = learner();
    const before = await open(withSocketToken(me, { issuedAgoMs: 60_000 }));
    const otherClient = await open(withSocketToken(me, { issuedAgoMs: 60_000, clientId: "client-2" }));
    const { issuer, clientId } = socketToken();
    await exports.default.socketPolicyChanged({
      tenantId: me.tenantId,
      revokedRegistration: { issuer, clientId, atMs: Date.now() - 30_000 },
    });
    const after = await open(withSocketToken(me, { issuedAgoMs: 1_000 }));
    await runDurableObjectAlarm(learnerStub(env, me));
    expect(await before.closed).toEqual({ code: 4410, reason: "token_revoked" });
    await stillOpen(after.ws);
    await stillOpen(otherClient.ws);
  });

  it("closes the learner's sockets with 4410 token_revoked at once when they are erased", async () => {
    const me = withSocketToken(learner());
    const { closed } = await open(me);
    await exports.default.eraseLearner(me);
    expect(await closed).toEqual({ code: 4410, reason: "token_revoked" });
  });
});
