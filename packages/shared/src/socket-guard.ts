import type { AuthContext } from "./auth-context";
import { ApiError } from "./errors";
import { scheduleAlarmBy } from "./resilience/outbox-retry";
import { joinSocketDirectory, leaveSocketDirectory, type SocketDirectoryStub } from "./socket-membership";
import {
  readSocketPolicy,
  SOCKET_CLOSE,
  type SocketClose,
  type SocketFeature,
  type SocketPolicy,
  SocketPolicySchema,
  socketVerdict,
} from "./socket-policy";
import { parseWith } from "./validation";

/**
 * Keeps a Durable Object's hibernatable sockets within their limits: checked when a socket is
 * accepted, before each message it sends, at once when the service pushes a policy change
 * through the tenant's socket directory (`recheckSockets`), and by the object's alarm, which runs
 * only while sockets are open, at least every `recheckMs` and at the earliest token expiry (the
 * backstop for a push that was lost).
 */
export interface SocketHost {
  ctx: DurableObjectState;
  /** The service's own tenant-config KV, where the gateway's pushed policy is kept. */
  policyKv: KVNamespace;
  feature: SocketFeature;
  recheckMs: number;
  /** The tenant's directory of objects with open sockets (socket-directory.ts). */
  directory(tenantId: string): SocketDirectoryStub;
  /** The identity in a socket's attachment, or null when it cannot be read. */
  authOf(ws: WebSocket): AuthContext | null;
}

/** The re-check interval: `SOCKET_RECHECK_MS` (tests shorten it), never above 30 s. */
export function socketRecheckMs(env: object): number {
  const raw = Number((env as { SOCKET_RECHECK_MS?: unknown }).SOCKET_RECHECK_MS);
  return Number.isFinite(raw) && raw >= 50 && raw <= 30_000 ? raw : 30_000;
}

function closeWith(ws: WebSocket, close: SocketClose): void {
  try {
    ws.close(close.code, close.reason);
  } catch {
    // Already closing.
  }
}

const refusals: Record<SocketClose["reason"], () => ApiError> = {
  token_expired: () => new ApiError(401, "token_expired", "The API token has expired. Launch the tool again."),
  token_revoked: () => new ApiError(401, "token_revoked", "This API token no longer works. Launch the tool again."),
  feature_disabled: () => new ApiError(403, "feature_disabled", "This feature is turned off for your institution."),
};

/**
 * Before accepting an upgrade: refuses one that would be closed at once (a flag turned off or a
 * registration revoked after the gateway checked), and requires the token's limits.
 */
export async function assertSocketAllowed(host: SocketHost, auth: AuthContext, nowMs = Date.now()): Promise<void> {
  const verdict = socketVerdict(await readSocketPolicy(host.policyKv, auth.tenantId, nowMs), auth, host.feature, nowMs);
  if (verdict) throw refusals[verdict.reason]();
}

/**
 * After accepting: the alarm runs by the next re-check or this token's expiry, whichever is
 * first, and the object is in its tenant's socket directory, so a pushed change reaches it now.
 */
export async function socketAccepted(host: SocketHost, auth: AuthContext, nowMs = Date.now()): Promise<void> {
  const expiry = auth.token?.expiresAtMs ?? nowMs;
  await scheduleAlarmBy(host.ctx.storage, Math.min(nowMs + host.recheckMs, expiry));
  await joinSocketDirectory(host, auth);
}

/** Before handling a message: false (and the socket closed with the reason) when it is past its limits. */
export async function admitMessage(host: SocketHost, ws: WebSocket, nowMs = Date.now()): Promise<boolean> {
  const auth = host.authOf(ws);
  if (!auth) {
    closeWith(ws, SOCKET_CLOSE.tokenExpired);
    return false;
  }
  const verdict = socketVerdict(await readSocketPolicy(host.policyKv, auth.tenantId, nowMs), auth, host.feature, nowMs);
  if (verdict) closeWith(ws, verdict);
  return verdict === null;
}

/**
 * From the alarm (policy read from KV) or a push (`pushed`, the tenant's policy as the service
 * just stored it, so no edge-cached copy can delay it): closes every socket past its limits and,
 * while any stay open, sets the alarm again (keeping an earlier one the object needs for other
 * work); with none open, leaves the directory. Returns how many stay open.
 */
export async function enforceSocketLimits(
  host: SocketHost,
  nowMs = Date.now(),
  pushed?: SocketPolicy,
): Promise<number> {
  let next = Number.POSITIVE_INFINITY;
  let open = 0;
  const policyOf = async (tenantId: string) => pushed ?? (await readSocketPolicy(host.policyKv, tenantId, nowMs));
  for (const ws of host.ctx.getWebSockets()) {
    const auth = host.authOf(ws);
    const verdict = auth
      ? socketVerdict(await policyOf(auth.tenantId), auth, host.feature, nowMs)
      : SOCKET_CLOSE.tokenExpired;
    if (verdict || !auth?.token) {
      closeWith(ws, verdict ?? SOCKET_CLOSE.tokenExpired);
      continue;
    }
    open++;
    next = Math.min(next, auth.token.expiresAtMs);
  }
  if (open > 0) await scheduleAlarmBy(host.ctx.storage, Math.min(nowMs + host.recheckMs, next));
  else await leaveSocketDirectory(host);
  return open;
}

/** The learner object's RPC the directory calls on a push: the socket check now, with this policy. */
export async function recheckSockets(host: SocketHost, policy: SocketPolicy): Promise<{ open: number }> {
  return { open: await enforceSocketLimits(host, Date.now(), parseWith(SocketPolicySchema, policy)) };
}
