import { ApiError, createLogger, errorFields } from "@atomic-guide/shared";
import { IsolateCache } from "@atomic-guide/shared/isolate-cache";
import { isRegistrationActive } from "../lti/registry";
import { API_TOKEN_TTL_SECONDS } from "./api-token";

const log = createLogger({ service: "lti-gateway", module: "revocation" });

/**
 * API tokens are stateless for an hour, so three events must reach them before they expire:
 * the learner's erasure, and the deactivation or deletion of the registration that launched
 * them. Both are checked on every /api call and every socket upgrade: read from KV with its
 * shortest edge cache (30 s), and kept by the isolate for 10 s (the registration in
 * `currentRegistration`). The isolate that records a revocation sees it at once; everywhere else
 * it takes effect within about a minute.
 */
const KV_CACHE_TTL_SECONDS = 30;
const ERASURE_CACHE_TTL_MS = 10_000;
/** Per learner: when their tokens were revoked, or null. */
const recentErasures = new IsolateCache<{ atMs: number | null }>({ ttlMs: ERASURE_CACHE_TTL_MS, maxKeys: 10_000 });
const learnerKey = (tenantId: string, userId: string) => JSON.stringify([tenantId, userId]);

async function erasedAtMs(env: Env, tenantId: string, userId: string): Promise<number | null> {
  // Kept whether or not a marker exists: "not erased" is the answer for almost every call.
  const { atMs } = await recentErasures.getOrLoad(learnerKey(tenantId, userId), async () => {
    const stored = await env.PLATFORMS.get(await erasureKey(tenantId, userId), { cacheTtl: KV_CACHE_TTL_SECONDS });
    return { atMs: stored === null ? null : Number(stored) };
  });
  return atMs;
}

async function sha256Hex(text: string): Promise<string> {
  const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", new TextEncoder().encode(text)));
  return Array.from(digest, (b) => b.toString(16).padStart(2, "0")).join("");
}

// Hashed: a user id may be 255 characters, and KV keys stop at 512 bytes.
const erasureKey = async (tenantId: string, userId: string) => `revoked-learner:${tenantId}:${await sha256Hex(userId)}`;

/**
 * Records that every API token of this learner issued until now is void (erasure). The marker
 * outlives the longest-lived token, then expires by itself.
 */
export async function revokeLearnerTokens(env: Env, tenantId: string, userId: string, atMs = Date.now()) {
  try {
    await env.PLATFORMS.put(await erasureKey(tenantId, userId), String(atMs), {
      expirationTtl: API_TOKEN_TTL_SECONDS + 600,
    });
    recentErasures.set(learnerKey(tenantId, userId), { atMs });
  } catch (e) {
    // KV takes one write per key per second: a repeated erasure within it already left a marker,
    // which the next check reads.
    recentErasures.delete(learnerKey(tenantId, userId));
    log.warn("learner revocation marker not written", errorFields(e));
  }
}

const revoked = (message: string) => new ApiError(401, "token_revoked", message);

export interface RevocationOptions {
  /**
   * Erasure is repeated until every service confirms it, so the erasure route itself still
   * accepts a token that an erasure revoked (re-erasing changes nothing else).
   */
  allowErased?: boolean;
}

/** Throws 401 token_revoked when the token was issued before its learner's erasure or its registration is no longer active. */
export async function assertNotRevoked(
  env: Env,
  claims: { tenantId: string; userId: string; issuer: string; clientId: string },
  issuedAtMs: number,
  options: RevocationOptions = {},
): Promise<void> {
  const [erasedAt, active] = await Promise.all([
    erasedAtMs(env, claims.tenantId, claims.userId),
    isRegistrationActive(env, claims.issuer, claims.clientId),
  ]);
  if (!options.allowErased && erasedAt !== null && issuedAtMs <= erasedAt) {
    throw revoked("Your data was erased; this API token no longer works. Launch the tool again.");
  }
  if (!active) throw revoked("Your institution's connection to this tool is not active. Ask its administrator.");
}
