// Issue 13 finding 9 and issue 16: open sockets stop with the access behind them. Through the
// whole system, with sockets opened as a browser opens them (ticket, then upgrade): the tenant's
// chat flag turned off through the admin API closes /ws/chat (4403) and leaves /ws/signals open;
// the learner's erasure closes both of their sockets (4410); deactivating the registration
// closes the sockets of every learner it launched (4410). The services re-check every 250 ms
// here (SOCKET_RECHECK_MS) instead of every 30 s; nothing waits for a fixed time.
import { type RunningSystem, startSystem } from "@atomic-guide/testing/system";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { adminHeaders, api, closePlatforms, type Launched, launch, openSocket, type Socket } from "../../support/flows";

const FAST_RECHECK = { SOCKET_RECHECK_MS: "250" };

/** A signals batch acknowledged on the socket: it is open and served. */
async function stillServed(socket: Socket) {
  const before = socket.messages.length;
  socket.send({ type: "signals", signals: [{ type: "click", at: new Date().toISOString() }] });
  await socket.next((m) => m.type === "ack" && socket.messages.indexOf(m) >= before);
}

async function openBoth(system: RunningSystem, learner: Launched) {
  return {
    chat: await openSocket(system, learner.apiToken, "/ws/chat"),
    signals: await openSocket(system, learner.apiToken, "/ws/signals"),
  };
}

describe("open sockets end with their access", () => {
  let system: RunningSystem;

  beforeAll(async () => {
    system = await startSystem({ bindings: { chat: FAST_RECHECK, "struggle-detector": FAST_RECHECK } });
  });

  afterAll(async () => {
    if (system) await closePlatforms(system);
    await system?.dispose();
  });

  const putFlags = async (tenantId: string, flags: Record<string, boolean>) => {
    const res = await system.fetch(`/admin/tenants/${tenantId}/flags`, {
      method: "PUT",
      headers: adminHeaders,
      body: JSON.stringify(flags),
    });
    expect(res.status).toBe(200);
  };

  it("chat turned off for the tenant closes its /ws/chat sockets with 4403; /ws/signals stays", async () => {
    const learner = await launch(system, { role: "learner", userId: "flag-learner" });
    const { chat, signals } = await openBoth(system, learner);
    await stillServed(signals);
    const tenantId = learner.launchJson.tenantId;
    await putFlags(tenantId, { chat: false });
    try {
      expect(await chat.closed).toEqual({ code: 4403, reason: "feature_disabled" });
      await stillServed(signals);
    } finally {
      await putFlags(tenantId, { chat: true });
    }
    // On again: a new chat socket opens and stays.
    const again = await openSocket(system, learner.apiToken, "/ws/chat");
    again.send({ type: "ping" });
    await again.next((m) => m.type === "pong");
    signals.close();
    again.close();
  });

  it("the learner's erasure closes both of their sockets with 4410 at once", async () => {
    const learner = await launch(system, { role: "learner", userId: "erased-learner" });
    const other = await launch(system, { role: "learner", userId: "bystander" });
    const mine = await openBoth(system, learner);
    const theirs = await openSocket(system, other.apiToken, "/ws/signals");
    const res = await api(system, learner.apiToken, "/api/learners/me", { method: "DELETE" });
    expect(res.status).toBe(202);
    expect(await mine.chat.closed).toEqual({ code: 4410, reason: "token_revoked" });
    expect(await mine.signals.closed).toEqual({ code: 4410, reason: "token_revoked" });
    await stillServed(theirs);
    theirs.close();
  });

  it("deactivating the registration closes the sockets it launched with 4410", async () => {
    const learner = await launch(system, { role: "learner", tenant: "sock-deactivated", userId: "late-learner" });
    const { chat, signals } = await openBoth(system, learner);
    await stillServed(signals);
    const { issuer, clientId } = learner.tenant.platform;
    const res = await system.fetch("/admin/platforms/deactivate", {
      method: "POST",
      headers: adminHeaders,
      body: JSON.stringify({ issuer, clientId }),
    });
    expect(res.status).toBe(200);
    expect(await chat.closed).toEqual({ code: 4410, reason: "token_revoked" });
    expect(await signals.closed).toEqual({ code: 4410, reason: "token_revoked" });
  });
});
