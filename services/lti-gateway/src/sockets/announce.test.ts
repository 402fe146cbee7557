// A socket policy change a service cannot be told about is not silent: the admin answer says
// the sockets are not closed yet, a pending marker keeps it, and the gateway's per-minute cron
// sends it again until it is delivered. The services are replaced by doubles at their binding
// (one that throws, one that records), everything else is the real gateway.
import { createExecutionContext, createScheduledController, waitOnExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import type { SocketPolicyChange } from "@atomic-guide/shared";
import { describe, expect, it } from "vitest";
import { flagsKey } from "../flags/store";
import worker from "../index";
import { ADMIN } from "../lti/test-harness";
import { createTenant } from "../tenants/store";
import { SOCKET_RETRY_CRON } from "./retry";

const down = { socketPolicyChanged: () => Promise.reject(new Error("service unreachable")) };

function recording() {
  const calls: SocketPolicyChange[] = [];
  return {
    calls,
    socketPolicyChanged: async (change: SocketPolicyChange) => {
      calls.push(change);
      return { stored: true };
    },
  };
}

const withServices = (chat: object, struggleDetector: object) =>
  ({ ...env, CHAT: chat, STRUGGLE_DETECTOR: struggleDetector }) as unknown as Env;

async function putFlags(target: Env, tenantId: string, flags: Record<string, boolean>) {
  const ctx = createExecutionContext();
  const res = await worker.fetch(
    new Request(`http://localhost/admin/tenants/${tenantId}/flags`, {
      method: "PUT",
      headers: { ...ADMIN, "Content-Type": "application/json" },
      body: JSON.stringify(flags),
    }),
    target,
    ctx,
  );
  await waitOnExecutionContext(ctx);
  return res;
}

async function runRetryCron(target: Env) {
  const ctx = createExecutionContext();
  await worker.scheduled(
    createScheduledController({ cron: SOCKET_RETRY_CRON, scheduledTime: Date.now() }),
    target,
    ctx,
  );
  await waitOnExecutionContext(ctx);
}

const pendingKeys = async (tenantId: string) =>
  (await env.FLAGS.list({ prefix: "socket-pending:" })).keys
    .map((k) => k.name)
    .filter((n) => n.includes(`:${tenantId}:`));

describe("a socket announcement a service could not take", () => {
  it("is reported as pending in the admin answer and retried by the cron until delivered", async () => {
    const tenantId = `pend-${crypto.randomUUID().slice(0, 8)}`;
    await createTenant(env, { tenantId, name: "Pending U" });
    const signals = recording();
    const res = await putFlags(withServices(down, signals), tenantId, { chat: false });
    expect(res.status).toBe(200);
    const body = (await res.json()) as Record<string, unknown>;
    expect(body).toMatchObject({ chat: false, sockets: { closed: "pending", services: ["chat"] } });
    // The service that could be told was told once, and has no marker.
    expect(signals.calls).toEqual([{ tenantId, features: { chat: false, struggleDetection: true } }]);
    expect(await pendingKeys(tenantId)).toEqual([`socket-pending:chat:${tenantId}:features`]);

    // Still down at the next run: the marker stays.
    await runRetryCron(withServices(down, recording()));
    expect(await pendingKeys(tenantId)).toHaveLength(1);

    // Back: delivered with the flags as they are now, and cleared.
    const chat = recording();
    await runRetryCron(withServices(chat, recording()));
    expect(chat.calls.filter((c) => c.tenantId === tenantId)).toEqual([
      { tenantId, features: { chat: false, struggleDetection: true } },
    ]);
    expect(await pendingKeys(tenantId)).toEqual([]);
  });

  it("sends the flags as they are at the retry, so an older failed change cannot undo a newer one", async () => {
    const tenantId = `pend-${crypto.randomUUID().slice(0, 8)}`;
    await createTenant(env, { tenantId, name: "Pending U" });
    await putFlags(withServices(down, recording()), tenantId, { chat: false });
    // Turned on again while chat was still unreachable's marker waits.
    await env.FLAGS.put(flagsKey(tenantId), JSON.stringify({ chat: true }));
    const chat = recording();
    await runRetryCron(withServices(chat, recording()));
    expect(chat.calls.filter((c) => c.tenantId === tenantId)).toEqual([
      { tenantId, features: { chat: true, struggleDetection: true } },
    ]);
  });

  it("answers the bare flags when every service was told", async () => {
    const tenantId = `pend-${crypto.randomUUID().slice(0, 8)}`;
    await createTenant(env, { tenantId, name: "Told U" });
    const res = await putFlags(withServices(recording(), recording()), tenantId, { struggleDetection: false });
    expect(await res.json()).not.toHaveProperty("sockets");
    expect(await pendingKeys(tenantId)).toEqual([]);
  });
});
