// The per-tenant socket directory (packages/shared socket-directory): entries lapse at their
// expiry, so an object that went away without unregistering is not told forever, and a large
// tenant is told a page at a time, the rest from the directory's alarm.
import { runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { env, exports } from "cloudflare:workers";
import { type AuthContext, encodeAuthContext } from "@atomic-guide/shared";
import { closeOf, withSocketToken } from "@atomic-guide/testing/socket-token";
import { describe, expect, it, vi } from "vitest";
import { learner } from "../testing/helpers";
import { learnerStub } from "./stubs";
import { tenantSocketsStub } from "./tenant-sockets";

const POLICY = { features: { chat: false }, revokedRegistrations: {} };
const learnerId = (tenantId: string, i: number) => env.CHAT_LEARNERS.idFromName(`${tenantId}:u${i}`).toString();
const tenant = () => `dir-${crypto.randomUUID().slice(0, 8)}`;

/** A /ws/chat socket of `auth`, opened through the worker as the gateway forwards it. */
async function openChatSocket(auth: AuthContext) {
  const res = await exports.default.fetch(
    new Request("http://chat/ws/chat", {
      headers: { Upgrade: "websocket", "X-Atomic-Auth": encodeAuthContext(auth), "X-Atomic-Ai-Provider": "offline" },
    }),
  );
  expect(res.status).toBe(101);
  const ws = res.webSocket;
  if (!ws) throw new Error("no socket");
  ws.accept();
  // Wrapped: an async function returning the promise itself would wait for the close.
  return { closed: closeOf(ws) };
}

const members = (tenantId: string) =>
  runInDurableObject(tenantSocketsStub(env, tenantId), (_o, state) =>
    state.storage.sql.exec<{ n: number }>("SELECT count(*) AS n FROM members").one(),
  );

const fanOutJob = (tenantId: string) =>
  runInDurableObject(tenantSocketsStub(env, tenantId), (_o, state) =>
    state.storage.sql.exec<{ after: string }>("SELECT after FROM fan_out").toArray(),
  );

describe("the tenant socket directory", () => {
  it("does not tell an object whose entry has lapsed, and drops it at the next registration", async () => {
    const tenantId = tenant();
    const directory = tenantSocketsStub(env, tenantId);
    await directory.register({ objectId: learnerId(tenantId, 1), untilMs: Date.now() - 1 });
    await directory.register({ objectId: learnerId(tenantId, 2), untilMs: Date.now() + 60_000 });
    expect(await directory.recheckAll(POLICY)).toEqual({ rechecked: 1 });
    const rows = await runInDurableObject(directory, (_o, state) =>
      state.storage.sql.exec<{ object_id: string }>("SELECT object_id FROM members").toArray(),
    );
    expect(rows.map((r) => r.object_id)).toEqual([learnerId(tenantId, 2)]);
  });

  it("tells a large tenant a page at a time: the first page at once, the rest from its alarm", async () => {
    const tenantId = tenant();
    const directory = tenantSocketsStub(env, tenantId);
    for (let i = 0; i < 60; i++)
      await directory.register({ objectId: learnerId(tenantId, i), untilMs: Date.now() + 60_000 });
    expect(await directory.recheckAll(POLICY)).toEqual({ rechecked: 50 });
    // The rest: the alarm is due now (workerd may be running it already; a shifted clock puts it
    // far away, so it is run here too), and once it has told them no job is left.
    await runDurableObjectAlarm(directory);
    await vi.waitUntil(async () => (await fanOutJob(tenantId)).length === 0, { timeout: 15_000, interval: 50 });
  });

  it("closes the sockets of all 61 learner objects of a tenant: 50 in the push, the other 11 at the directory's alarm", async () => {
    const tenantId = tenant();
    const learners = Array.from({ length: 61 }, (_, i) => withSocketToken(learner({ tenantId, userId: `u${i}` })));
    const sockets = await Promise.all(learners.map(openChatSocket));
    expect(await members(tenantId)).toEqual({ n: 61 });
    // The learner objects' own re-check (their alarm, the backstop for a lost push) is taken
    // away, so only the push and the directory can close these sockets.
    for (const auth of learners)
      await runInDurableObject(learnerStub(env, auth), (_o, state) => state.storage.deleteAlarm());
    const closes: { code: number; reason: string }[] = [];
    for (const socket of sockets) void socket.closed.then((c) => closes.push(c));

    const pushed = await exports.default.socketPolicyChanged({ tenantId, features: { chat: false } });
    // The push's own call tells one page.
    expect(pushed).toEqual({ stored: true, rechecked: 50 });
    // The directory's alarm, due now, tells the rest (workerd may have run it already; run here
    // otherwise: without an alarm set there is none to run, and 11 sockets would stay open).
    await runDurableObjectAlarm(tenantSocketsStub(env, tenantId));
    await expect.poll(() => closes.length, { timeout: 15_000, interval: 50 }).toBe(61);
    for (const close of closes) expect(close).toEqual({ code: 4403, reason: "feature_disabled" });
    // Every object left the directory, and no fan-out job is left.
    await vi.waitUntil(async () => (await members(tenantId)).n === 0, { timeout: 15_000, interval: 50 });
    expect(await fanOutJob(tenantId)).toEqual([]);
  }, 120_000);
});
