import type { AuthContext, TokenLimits } from "@atomic-guide/shared";

/**
 * The token limits the gateway attaches to a forwarded /ws upgrade, built from the test's own
 * clock: issued `issuedAgoMs` before now, ending `lifetimeMs` after now.
 */
export function socketToken(
  options: { lifetimeMs?: number; issuedAgoMs?: number; clientId?: string } = {},
): TokenLimits {
  const now = Date.now();
  return {
    issuer: "https://lms.example.edu",
    clientId: options.clientId ?? "client-1",
    issuedAtMs: now - (options.issuedAgoMs ?? 1_000),
    expiresAtMs: now + (options.lifetimeMs ?? 3_600_000),
  };
}

/** `auth` as a socket upgrade carries it. */
export const withSocketToken = (auth: AuthContext, options?: Parameters<typeof socketToken>[0]): AuthContext => ({
  ...auth,
  token: socketToken(options),
});

/** Resolves with the close code and reason the server sent (the client side of an accepted socket). */
export function closeOf(ws: WebSocket): Promise<{ code: number; reason: string }> {
  return new Promise((resolve) => {
    ws.addEventListener("close", (event) => resolve({ code: event.code, reason: event.reason }), { once: true });
  });
}
