import * as v from "valibot";
import { type AuthContext, TenantIdSchema, TokenLimitsSchema } from "./auth-context";
import type { FeatureFlag } from "./flags";
import { IsolateCache } from "./isolate-cache";
import { createLogger, errorFields } from "./log";

/**
 * What may end an open realtime socket besides the learner: its token's expiry, the tenant
 * turning the socket's feature off, and revocation (the learner's erasure, the registration that
 * launched them deactivated or deleted). Close codes are public (docs/api.md, Realtime).
 */
export const SOCKET_CLOSE = Object.freeze({
  tokenExpired: { code: 4401, reason: "token_expired" },
  featureDisabled: { code: 4403, reason: "feature_disabled" },
  tokenRevoked: { code: 4410, reason: "token_revoked" },
} as const);
export type SocketClose = (typeof SOCKET_CLOSE)[keyof typeof SOCKET_CLOSE];

/** Features that have sockets: chat's /ws/chat and struggle detection's /ws/signals. */
export type SocketFeature = Extract<FeatureFlag, "chat" | "struggleDetection">;

const SocketFeaturesSchema = v.object({
  chat: v.optional(v.boolean()),
  struggleDetection: v.optional(v.boolean()),
});

/**
 * What the gateway tells each socket-holding service when an operator changes something that
 * must reach open sockets: the tenant's socket features as they now are, or a registration
 * revoked at `atMs` (tokens it issued until then are void).
 */
export const SocketPolicyChangeSchema = v.object({
  tenantId: TenantIdSchema,
  features: v.optional(SocketFeaturesSchema),
  revokedRegistration: v.optional(
    v.object({
      issuer: TokenLimitsSchema.entries.issuer,
      clientId: TokenLimitsSchema.entries.clientId,
      atMs: v.pipe(v.number(), v.integer(), v.minValue(0)),
    }),
  ),
});
export type SocketPolicyChange = v.InferOutput<typeof SocketPolicyChangeSchema>;

/** The RPC method chat and struggle-detector offer for it; `rechecked`: learner objects told at once. */
export interface SocketPolicyRpc {
  socketPolicyChanged(change: SocketPolicyChange): Promise<{ stored: true; rechecked: number }>;
}

/** Only a feature turned off or a revocation can close a socket; turning a feature on cannot. */
export const closesSockets = (change: SocketPolicyChange): boolean =>
  change.revokedRegistration !== undefined || Object.values(change.features ?? {}).includes(false);

/** A tenant's policy as the service keeps it in its own tenant-config KV. */
export const SocketPolicySchema = v.object({
  features: SocketFeaturesSchema,
  /** `<issuer> <clientId>` → ms: tokens of that registration issued at or before it are void. */
  revokedRegistrations: v.record(v.string(), v.number()),
});
export type SocketPolicy = v.InferOutput<typeof SocketPolicySchema>;

const EMPTY_POLICY: SocketPolicy = Object.freeze({ features: {}, revokedRegistrations: {} });

/** A revocation only matters to tokens issued before it, and none lives longer than this. */
const REVOCATION_RELEVANT_MS = 2 * 60 * 60_000;
/** KV's shortest edge cache; with it a change reaches every location within about a minute. */
const KV_CACHE_TTL_SECONDS = 30;
/** Sockets of one tenant share an isolate's copy this long, so a busy tenant costs one read per isolate. */
const ISOLATE_TTL_MS = 5_000;

const log = createLogger({ service: "shared", module: "socket-policy" });
const cache = new IsolateCache<SocketPolicy>({ ttlMs: ISOLATE_TTL_MS, maxKeys: 1000 });

export const socketPolicyKey = (tenantId: string) => `socket-policy:${tenantId}`;
const registrationOf = (issuer: string, clientId: string) => `${issuer} ${clientId}`;

async function readStored(kv: KVNamespace, tenantId: string, edgeCache: boolean): Promise<SocketPolicy> {
  const key = socketPolicyKey(tenantId);
  // The writer reads past the edge cache, so a merge never starts from a stale copy.
  const raw = edgeCache
    ? await kv.get(key, { type: "json", cacheTtl: KV_CACHE_TTL_SECONDS })
    : await kv.get(key, "json");
  if (raw === null) return EMPTY_POLICY;
  const parsed = v.safeParse(SocketPolicySchema, raw);
  if (!parsed.success) log.warn("ignoring malformed socket policy", { tenantId });
  return parsed.success ? parsed.output : EMPTY_POLICY;
}

/**
 * The tenant's socket policy; an unreadable KV keeps the last copy, or none (sockets stay open:
 * the token's expiry still ends them, and the gateway refuses new ones).
 */
export async function readSocketPolicy(kv: KVNamespace, tenantId: string, nowMs = Date.now()): Promise<SocketPolicy> {
  const hit = cache.get(tenantId, nowMs);
  if (hit) return hit;
  try {
    const policy = await readStored(kv, tenantId, true);
    cache.set(tenantId, policy, nowMs);
    return policy;
  } catch (e) {
    log.warn("socket policy unreadable", { tenantId, ...errorFields(e) });
    return cache.stale(tenantId) ?? EMPTY_POLICY;
  }
}

/** Merges a change into the stored policy, dropping revocations no live token can predate. */
export async function applySocketPolicyChange(
  kv: KVNamespace,
  change: SocketPolicyChange,
  nowMs = Date.now(),
): Promise<SocketPolicy> {
  const current = await readStored(kv, change.tenantId, false);
  const revoked = Object.entries(current.revokedRegistrations).filter(([, at]) => at > nowMs - REVOCATION_RELEVANT_MS);
  const r = change.revokedRegistration;
  if (r) {
    // A retried (older) announcement must not move a later revocation back.
    const key = registrationOf(r.issuer, r.clientId);
    revoked.push([key, Math.max(r.atMs, current.revokedRegistrations[key] ?? 0)]);
  }
  const next: SocketPolicy = {
    features: { ...current.features, ...change.features },
    revokedRegistrations: Object.fromEntries(revoked),
  };
  await kv.put(socketPolicyKey(change.tenantId), JSON.stringify(next));
  cache.set(change.tenantId, next, nowMs);
  return next;
}

/** Why a socket of `auth` on `feature` must close now, or null while it may stay open. */
export function socketVerdict(
  policy: SocketPolicy,
  auth: AuthContext,
  feature: SocketFeature,
  nowMs: number,
): SocketClose | null {
  const token = auth.token;
  if (!token || token.expiresAtMs <= nowMs) return SOCKET_CLOSE.tokenExpired;
  const revokedAt = policy.revokedRegistrations[registrationOf(token.issuer, token.clientId)];
  if (revokedAt !== undefined && token.issuedAtMs <= revokedAt) return SOCKET_CLOSE.tokenRevoked;
  if (policy.features[feature] === false) return SOCKET_CLOSE.featureDisabled;
  return null;
}
