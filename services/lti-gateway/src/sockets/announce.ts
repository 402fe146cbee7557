import {
  createLogger,
  errorFields,
  type SocketPolicyChange,
  type SocketPolicyRpc,
  withTimeout,
} from "@atomic-guide/shared";
import { markPending, SOCKET_SERVICES, type SocketService } from "./pending";

const log = createLogger({ service: "lti-gateway", module: "socket-policy" });

const RPC_TIMEOUT_MS = 5_000;

const bindingOf = (env: Env, service: SocketService) =>
  (service === "chat" ? env.CHAT : env.STRUGGLE_DETECTOR) as Fetcher & SocketPolicyRpc;

/** Tells one service; false (logged) when it could not be told. */
export async function deliverSocketPolicy(env: Env, service: SocketService, change: SocketPolicyChange) {
  try {
    await withTimeout(bindingOf(env, service).socketPolicyChanged(change), RPC_TIMEOUT_MS);
    return true;
  } catch (e) {
    log.error("socket policy not delivered", { targetService: service, tenantId: change.tenantId, ...errorFields(e) });
    return false;
  }
}

/** What an admin answer adds when a service could not be told: its open sockets are not closed yet. */
export interface SocketsPending {
  sockets: { closed: "pending"; services: SocketService[] };
}

/**
 * Tells the services that hold realtime sockets (chat, struggle-detector) about a change that
 * must end open sockets: a socket feature turned off, a registration deactivated or deleted.
 * Each stores it and closes the tenant's affected sockets at once (docs/security.md, Realtime
 * sockets). The gateway's own record has already changed, so new tickets and upgrades are
 * refused whatever happens here. A service that cannot be told gets a pending marker, retried
 * every minute by the gateway's cron until delivered, and the answer says so.
 */
export async function announceSocketPolicy(env: Env, change: SocketPolicyChange): Promise<SocketsPending | null> {
  const delivered = await Promise.all(SOCKET_SERVICES.map((service) => deliverSocketPolicy(env, service, change)));
  const pending = SOCKET_SERVICES.filter((_, i) => !delivered[i]);
  if (pending.length === 0) return null;
  await Promise.all(pending.map((service) => markPending(env, service, change)));
  return { sockets: { closed: "pending", services: pending } };
}

/** After a flags change: the socket features as they now are. */
export const announceSocketFeatures = (
  env: Env,
  tenantId: string,
  flags: { chat: boolean; struggleDetection: boolean },
) =>
  announceSocketPolicy(env, { tenantId, features: { chat: flags.chat, struggleDetection: flags.struggleDetection } });

/** After a registration is deactivated or deleted: tokens it issued until now are void on open sockets too. */
export const announceRegistrationRevoked = (env: Env, ref: { tenantId: string; issuer: string; clientId: string }) =>
  announceSocketPolicy(env, {
    tenantId: ref.tenantId,
    revokedRegistration: { issuer: ref.issuer, clientId: ref.clientId, atMs: Date.now() },
  });
