import {
  createLogger,
  errorFields,
  type SocketPolicyChange,
  type SocketPolicyRpc,
  withTimeout,
} from "@atomic-guide/shared";

const log = createLogger({ service: "lti-gateway", module: "socket-policy" });

const RPC_TIMEOUT_MS = 5_000;

/**
 * Tells the services that hold realtime sockets (chat, struggle-detector) about a change that
 * must end open sockets: a socket feature turned off, a registration deactivated or deleted.
 * Each keeps it in its own tenant-config KV, where its sockets' objects re-check it at least
 * every 30 s while sockets are open (docs/security.md, Realtime sockets). The gateway's own
 * record has already changed, so new tickets and upgrades are refused whatever happens here;
 * a service that cannot be told is logged, and its open sockets end at their token's expiry.
 */
export async function announceSocketPolicy(env: Env, change: SocketPolicyChange): Promise<{ delivered: boolean }> {
  const targets = [
    ["chat", env.CHAT],
    ["struggle-detector", env.STRUGGLE_DETECTOR],
  ] as const;
  const results = await Promise.all(
    targets.map(async ([service, binding]) => {
      try {
        await withTimeout((binding as Fetcher & SocketPolicyRpc).socketPolicyChanged(change), RPC_TIMEOUT_MS);
        return true;
      } catch (e) {
        log.error("socket policy not delivered", {
          targetService: service,
          tenantId: change.tenantId,
          ...errorFields(e),
        });
        return false;
      }
    }),
  );
  return { delivered: results.every(Boolean) };
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
