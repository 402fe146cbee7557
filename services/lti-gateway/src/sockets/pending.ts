import { createLogger, errorFields, type SocketPolicyChange, SocketPolicyChangeSchema } from "@atomic-guide/shared";
import * as v from "valibot";

/**
 * Socket policy announcements a service could not be told, kept in the gateway's FLAGS KV under
 * `socket-pending:<service>:<tenantId>:<what>` with the announcement in the key's metadata, so
 * one list call finds them all. One key per tenant's features (the retry sends the flags as they
 * are then, so an older failed change can never undo a newer one) and one per revoked
 * registration (a later revocation of the same registration replaces it).
 */
export const SOCKET_SERVICES = ["chat", "struggle-detector"] as const;
export type SocketService = (typeof SOCKET_SERVICES)[number];

export const PENDING_PREFIX = "socket-pending:";

export const PendingMetadataSchema = v.object({
  service: v.picklist(SOCKET_SERVICES),
  change: SocketPolicyChangeSchema,
  markedAtMs: v.number(),
});
export type PendingAnnouncement = v.InferOutput<typeof PendingMetadataSchema>;

const log = createLogger({ service: "lti-gateway", module: "socket-pending" });

async function shortHash(text: string): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(text));
  return [...new Uint8Array(digest).slice(0, 16)].map((b) => b.toString(16).padStart(2, "0")).join("");
}

/** Issuer and client id are hashed: together they may already fill most of KV's 512-byte key. */
async function pendingKey(service: SocketService, change: SocketPolicyChange): Promise<string> {
  const r = change.revokedRegistration;
  const what = r ? `revoked:${await shortHash(`${r.issuer} ${r.clientId}`)}` : "features";
  return `${PENDING_PREFIX}${service}:${change.tenantId}:${what}`;
}

export async function markPending(env: Env, service: SocketService, change: SocketPolicyChange): Promise<void> {
  const metadata: PendingAnnouncement = { service, change, markedAtMs: Date.now() };
  try {
    await env.FLAGS.put(await pendingKey(service, change), "", { metadata });
  } catch (e) {
    // Nothing left to keep it in: the sockets still end at their token's expiry (at most 2 h).
    log.error("socket announcement lost", { targetService: service, tenantId: change.tenantId, ...errorFields(e) });
  }
}

export const clearPending = async (env: Env, key: string) => env.FLAGS.delete(key);
