// /ws/signals sockets end at their token's expiry, when the tenant turns struggle detection off
// (not chat), when the registration behind their token is revoked and when the learner is
// erased, each with its documented close code (docs/api.md, Realtime). A pushed change closes them
// at once through the tenant's socket directory (SOCKET_RECHECK_MS stays at its 30 s default, so
// only a test that runs the alarm itself gets one); the alarm is the backstop.
import { runDurableObjectAlarm } from "cloudflare:test";
import { env, exports } from "cloudflare:workers";
import { type AuthContext, applySocketPolicyChange, encodeAuthContext } from "@atomic-guide/shared";
import { acceptedSocket, expectTokenExpiryCloses } from "@atomic-guide/testing/socket-limits";
import { socketToken, withSocketToken } from "@atomic-guide/testing/socket-token";
import { describe, expect, it } from "vitest";
import { detectorFor } from "./stub";

let counter = 0;
const learner = (): AuthContext => ({
  tenantId: `sock-${++counter}-${crypto.randomUUID().slice(0, 8)}`,
  userId: `user-${counter}`,
  roles: ["http://purl.imsglobal.org/vocab/lis/v2/membership#Learner"],
  isInstructor: false,
  contextId: "course-1",
});

const upgrade = (auth: AuthContext) =>
  exports.default.fetch(
    new Request("http://struggle-detector/ws/signals", {
      headers: { Upgrade: "websocket", "X-Atomic-Auth": encodeAuthContext(auth) },
    }),
  );

const open = async (auth: AuthContext) => acceptedSocket(await upgrade(auth));

/** Sends a batch and waits for its acknowledgement: proves the socket is open and served. */
async function stillServed(ws: WebSocket) {
  const reply = new Promise<{ type: string }>((resolve) =>
    ws.addEventListener("message", (e) => resolve(JSON.parse(String(e.data))), { once: true }),
  );
  ws.send(JSON.stringify({ type: "signals", signals: [{ type: "click", at: new Date().toISOString() }] }));
  expect(await reply).toMatchObject({ type: "ack", accepted: 1 });
}

describe("/ws/signals limits", () => {
  it("closes the socket with 4401 token_expired when its token expires", () =>
    expectTokenExpiryCloses(learner(), {
      open,
      proveServed: stillServed,
      learnerObject: (me) => detectorFor(env, me),
    }));

  it("refuses an upgrade without token limits", async () => {
    const res = await upgrade(learner());
    expect(res.status).toBe(401);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe("token_expired");
  });

  it("closes with 4403 at once when struggle detection is turned off (the push); chat off leaves it open", async () => {
    const me = withSocketToken(learner());
    const other = withSocketToken(learner());
    const { ws, closed } = await open(me);
    const theirs = await open(other);
    await exports.default.socketPolicyChanged({ tenantId: me.tenantId, features: { chat: false } });
    await stillServed(ws);
    const pushed = await exports.default.socketPolicyChanged({
      tenantId: me.tenantId,
      features: { struggleDetection: false },
    });
    expect(pushed).toEqual({ stored: true, rechecked: 1 });
    expect(await closed).toEqual({ code: 4403, reason: "feature_disabled" });
    expect((await upgrade(me)).status).toBe(403);
    // Another tenant's socket is untouched.
    await stillServed(theirs.ws);
  });

  it("closes from the alarm when the change is stored but no push reached the object (the backstop)", async () => {
    const me = withSocketToken(learner());
    const { closed } = await open(me);
    await applySocketPolicyChange(env.TENANT_CONFIG, { tenantId: me.tenantId, features: { struggleDetection: false } });
    await runDurableObjectAlarm(detectorFor(env, me));
    expect(await closed).toEqual({ code: 4403, reason: "feature_disabled" });
  });

  it("closes sockets of a revoked registration's earlier tokens with 4410 at once; a later token stays", async () => {
    const me = learner();
    const before = await open(withSocketToken(me, { issuedAgoMs: 60_000 }));
    const { issuer, clientId } = socketToken();
    await exports.default.socketPolicyChanged({
      tenantId: me.tenantId,
      revokedRegistration: { issuer, clientId, atMs: Date.now() - 30_000 },
    });
    expect(await before.closed).toEqual({ code: 4410, reason: "token_revoked" });
    const after = await open(withSocketToken(me));
    await stillServed(after.ws);
  });

  it("closes the learner's sockets with 4410 token_revoked at once when they are erased", async () => {
    const me = withSocketToken(learner());
    const { closed } = await open(me);
    await exports.default.eraseLearner(me);
    expect(await closed).toEqual({ code: 4410, reason: "token_revoked" });
  });
});
