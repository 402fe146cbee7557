// Runs inside workerd, in the socket services' own tests (chat's /ws/chat, struggle-detector's
// /ws/signals): what both sockets do the same way at their token's expiry.
import { runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import type { AuthContext } from "@atomic-guide/shared";
import { expect, vi } from "vitest";
import { closeOf, withSocketToken } from "./socket-token";

export interface OpenSocket {
  ws: WebSocket;
  closed: Promise<{ code: number; reason: string }>;
}

/** The client end of an accepted upgrade, and its close; anything but a 101 fails the test. */
export function acceptedSocket(res: Response): OpenSocket {
  expect(res.status).toBe(101);
  const ws = res.webSocket;
  if (!ws) throw new Error("no socket");
  ws.accept();
  return { ws, closed: closeOf(ws) };
}

/**
 * A socket opened with a 4 s token is served, its learner object's alarm is due no later than
 * the expiry, and that alarm, run once the expiry has passed on the test's clock (whatever
 * workerd's scheduler does with a shifted clock), closes it with 4401 token_expired.
 */
export async function expectTokenExpiryCloses(
  learner: AuthContext,
  s: {
    open: (auth: AuthContext) => Promise<OpenSocket>;
    /** Resolves once the socket has answered: proves it is open and served. */
    proveServed: (ws: WebSocket) => Promise<void>;
    learnerObject: (auth: AuthContext) => DurableObjectStub;
  },
): Promise<void> {
  const me = withSocketToken(learner, { lifetimeMs: 4_000 });
  const expiresAtMs = me.token?.expiresAtMs ?? 0;
  const { ws, closed } = await s.open(me);
  await s.proveServed(ws);
  const alarm = await runInDurableObject(s.learnerObject(me), (_o, state) => state.storage.getAlarm());
  expect(alarm).not.toBeNull();
  expect(alarm ?? Number.POSITIVE_INFINITY).toBeLessThanOrEqual(expiresAtMs);
  await vi.waitUntil(() => Date.now() > expiresAtMs, { timeout: 10_000, interval: 50 });
  await runDurableObjectAlarm(s.learnerObject(me));
  expect(await closed).toEqual({ code: 4401, reason: "token_expired" });
}
