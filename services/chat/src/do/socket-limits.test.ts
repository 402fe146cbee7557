// /ws/chat sockets end at their token's expiry, when the tenant turns chat off, when the
// registration behind their token is revoked and when the learner is erased, each with its
// documented close code (docs/api.md, Realtime). A pushed change closes them at once through the
// tenant's socket directory: SOCKET_RECHECK_MS is left at its 30 s default here, so no alarm runs
// during these tests unless a test runs it itself.
import { runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { env, exports } from "cloudflare:workers";
import { type AuthContext, applySocketPolicyChange, encodeAuthContext } from "@atomic-guide/shared";
import { acceptedSocket, expectTokenExpiryCloses } from "@atomic-guide/testing/socket-limits";
import { socketToken, withSocketToken } from "@atomic-guide/testing/socket-token";
import { describe, expect, it } from "vitest";
import { learner } from "../testing/helpers";
import { learnerStub } from "./stubs";
import { tenantSocketsStub } from "./tenant-sockets";

/** The learner objects the tenant's socket directory lists. */
const listed = (tenantId: string) =>
  runInDurableObject(tenantSocketsStub(env, tenantId), (_o, state) =>
    state.storage.sql
      .exec<{ object_id: string }>("SELECT object_id FROM members")
      .toArray()
      .map((r) => r.object_id),
  );

const upgrade = (auth: AuthContext) =>
  exports.default.fetch(
    new Request("http://chat/ws/chat", {
      headers: { Upgrade: "websocket", "X-Atomic-Auth": encodeAuthContext(auth), "X-Atomic-Ai-Provider": "offline" },
    }),
  );

const open = async (auth: AuthContext) => acceptedSocket(await upgrade(auth));

/** Answers a ping while the socket is open: proves it survived. */
async function stillOpen(ws: WebSocket) {
  const pong = new Promise<string>((resolve) =>
    ws.addEventListener("message", (e) => resolve(String(e.data)), { once: true }),
  );
  ws.send(JSON.stringify({ type: "ping" }));
  expect(JSON.parse(await pong)).toEqual({ type: "pong" });
}

describe("/ws/chat limits", () => {
  it("closes the socket with 4401 token_expired when its token expires (the alarm is set for it)", () =>
    expectTokenExpiryCloses(learner(), { open, proveServed: stillOpen, learnerObject: (me) => learnerStub(env, me) }));

  it("refuses an upgrade without token limits or with an expired token", async () => {
    expect((await upgrade(learner())).status).toBe(401);
    const expired = await upgrade({ ...learner(), token: { ...socketToken(), expiresAtMs: Date.now() - 1 } });
    expect(expired.status).toBe(401);
    expect(((await expired.json()) as { error: { code: string } }).error.code).toBe("token_expired");
  });

  it("closes the tenant's sockets with 4403 at once when chat is turned off (the push, not the alarm)", async () => {
    const me = withSocketToken(learner());
    const other = withSocketToken(learner());
    const mine = await open(me);
    const theirs = await open(other);
    const pushed = await exports.default.socketPolicyChanged({ tenantId: me.tenantId, features: { chat: false } });
    expect(pushed).toEqual({ stored: true, rechecked: 1 });
    expect(await mine.closed).toEqual({ code: 4403, reason: "feature_disabled" });
    // Another tenant is untouched.
    await stillOpen(theirs.ws);
    // While it is off, a new socket is refused; turned on again, it is accepted.
    expect((await upgrade(me)).status).toBe(403);
    await exports.default.socketPolicyChanged({ tenantId: me.tenantId, features: { chat: true } });
    await open(me);
  });

  it("lists a learner object in its tenant's directory while it has sockets, and drops it after", async () => {
    const me = withSocketToken(learner());
    const { ws, closed } = await open(me);
    const objectId = learnerStub(env, me).id.toString();
    expect(await listed(me.tenantId)).toEqual([objectId]);
    ws.close(1000, "bye");
    await closed;
    // The alarm finds no socket open and leaves the directory.
    await runDurableObjectAlarm(learnerStub(env, me));
    expect(await listed(me.tenantId)).toEqual([]);
  });

  it("closes from the alarm when the change is stored but no push reached the object (the backstop)", async () => {
    const me = withSocketToken(learner());
    const mine = await open(me);
    await applySocketPolicyChange(env.KNOWLEDGE, { tenantId: me.tenantId, features: { chat: false } });
    expect(await runDurableObjectAlarm(learnerStub(env, me))).toBe(true);
    expect(await mine.closed).toEqual({ code: 4403, reason: "feature_disabled" });
  });

  it("closes at the next message, without waiting for the alarm or a push", async () => {
    const me = withSocketToken(learner());
    const { ws, closed } = await open(me);
    await applySocketPolicyChange(env.KNOWLEDGE, { tenantId: me.tenantId, features: { chat: false } });
    ws.send(JSON.stringify({ type: "message", message: "still there?" }));
    expect(await closed).toEqual({ code: 4403, reason: "feature_disabled" });
  });

  it("closes sockets of a revoked registration's earlier tokens with 4410 at once; later tokens stay", async () => {
    const me = learner();
    const before = await open(withSocketToken(me, { issuedAgoMs: 60_000 }));
    const otherClient = await open(withSocketToken(me, { issuedAgoMs: 60_000, clientId: "client-2" }));
    const { issuer, clientId } = socketToken();
    await exports.default.socketPolicyChanged({
      tenantId: me.tenantId,
      revokedRegistration: { issuer, clientId, atMs: Date.now() - 30_000 },
    });
    expect(await before.closed).toEqual({ code: 4410, reason: "token_revoked" });
    const after = await open(withSocketToken(me, { issuedAgoMs: 1_000 }));
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
