// Runs inside workerd, in a service's own tests of its /ws route (chat's /ws/chat,
// struggle-detector's /ws/signals): the upgrade as the gateway forwards it, an accepted socket,
// and the token-expiry check both services' sockets must pass the same way.
import { runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { exports } from "cloudflare:workers";
import { type AuthContext, encodeAuthContext } from "@atomic-guide/shared";
import { expect, vi } from "vitest";
import { closeOf } from "./socket-token";

interface ServiceFetch {
  fetch(request: Request): Promise<Response>;
}

/** Upgrade requests to `url` through the service's own entrypoint, with `headers` added. */
export function socketRoute(url: string, headers: Record<string, string> = {}) {
  const entry = exports.default as unknown as ServiceFetch;
  const upgrade = (auth: AuthContext) =>
    entry.fetch(
      new Request(url, { headers: { Upgrade: "websocket", "X-Atomic-Auth": encodeAuthContext(auth), ...headers } }),
    );
  /** An accepted socket and the close the server will send it. */
  async function open(auth: AuthContext) {
    const res = await upgrade(auth);
    expect(res.status).toBe(101);
    const ws = res.webSocket;
    if (!ws) throw new Error("no socket");
    ws.accept();
    return { ws, closed: closeOf(ws) };
  }
  return { upgrade, open };
}

/**
 * The socket's Durable Object has an alarm due no later than the token's expiry, and that
 * alarm, run once the expiry has passed on this clock (whatever workerd's scheduler does with a
 * shifted clock), closes the socket with 4401 token_expired.
 */
export async function expectClosedAtTokenExpiry(
  stub: DurableObjectStub,
  expiresAtMs: number,
  closed: Promise<{ code: number; reason: string }>,
): Promise<void> {
  const alarm = await runInDurableObject(stub, (_o, state) => state.storage.getAlarm());
  expect(alarm).not.toBeNull();
  expect(alarm ?? Number.POSITIVE_INFINITY).toBeLessThanOrEqual(expiresAtMs);
  await vi.waitUntil(() => Date.now() > expiresAtMs, { timeout: 10_000, interval: 50 });
  await runDurableObjectAlarm(stub);
  expect(await closed).toEqual({ code: 4401, reason: "token_expired" });
}
