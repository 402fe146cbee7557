import { createLocalJWKSet, type JSONWebKeySet, type JWSHeaderParameters } from "jose";
import * as v from "valibot";
import { rejected } from "./errors";

const JwkSchema = v.looseObject({ kty: v.string(), kid: v.optional(v.string()) });
const JwksSchema = v.object({ keys: v.pipe(v.array(JwkSchema), v.maxLength(100)) });
const CachedSchema = v.object({ jwks: JwksSchema, fetchedAt: v.number(), maxAgeMs: v.number() });
type Cached = v.InferOutput<typeof CachedSchema>;

const DEFAULT_MAX_AGE_S = 600;
const MIN_MAX_AGE_S = 60; // KV's shortest expiration, and a floor against hammering a platform
const MAX_MAX_AGE_S = 24 * 60 * 60;
/** An unknown kid triggers a refetch only if our copy is older than this (cooldown). */
const REFETCH_COOLDOWN_MS = 30_000;
const FETCH_TIMEOUT_MS = 5_000;
const MAX_JWKS_BYTES = 64 * 1024;

const cacheKey = (uri: string) => `jwks:${uri}`;

/** max-age from Cache-Control, clamped; no-store/no-cache still cache for the floor. */
export function maxAgeFrom(cacheControl: string | null): number {
  if (!cacheControl) return DEFAULT_MAX_AGE_S;
  const match = /(?:^|,)\s*(?:s-maxage|max-age)\s*=\s*"?(\d+)"?/i.exec(cacheControl);
  if (!match?.[1]) return /no-(store|cache)/i.test(cacheControl) ? MIN_MAX_AGE_S : DEFAULT_MAX_AGE_S;
  return Math.min(MAX_MAX_AGE_S, Math.max(MIN_MAX_AGE_S, Number(match[1])));
}

async function fetchJwks(env: Env, uri: string, now: number): Promise<Cached> {
  let response: Response;
  try {
    response = await fetch(uri, {
      headers: { Accept: "application/json" },
      redirect: "manual",
      signal: AbortSignal.timeout(FETCH_TIMEOUT_MS),
    });
  } catch {
    throw rejected("jwks_unavailable", "The platform's signing keys could not be fetched.");
  }
  const text = response.ok ? await response.text() : "";
  if (!response.ok || text.length > MAX_JWKS_BYTES) {
    throw rejected("jwks_unavailable", "The platform's signing keys could not be fetched.");
  }
  let parsed: v.SafeParseResult<typeof JwksSchema>;
  try {
    parsed = v.safeParse(JwksSchema, JSON.parse(text));
  } catch {
    throw rejected("jwks_unavailable", "The platform's signing keys are not a valid JWKS.");
  }
  if (!parsed.success) throw rejected("jwks_unavailable", "The platform's signing keys are not a valid JWKS.");
  const maxAge = maxAgeFrom(response.headers.get("Cache-Control"));
  const cached: Cached = { jwks: parsed.output, fetchedAt: now, maxAgeMs: maxAge * 1000 };
  await env.PLATFORMS.put(cacheKey(uri), JSON.stringify(cached), { expirationTtl: maxAge });
  return cached;
}

async function cachedJwks(env: Env, uri: string, now: number): Promise<{ entry: Cached; fresh: boolean }> {
  const parsed = v.safeParse(CachedSchema, await env.PLATFORMS.get(cacheKey(uri), "json"));
  if (parsed.success && parsed.output.fetchedAt + parsed.output.maxAgeMs > now) {
    return { entry: parsed.output, fresh: false };
  }
  return { entry: await fetchJwks(env, uri, now), fresh: true };
}

const hasKid = (jwks: Cached["jwks"], kid: string) => jwks.keys.some((k) => k.kid === kid);

/**
 * The platform's verification key for a token header, from the stored registration's jwks_uri
 * (never from the token). KV-cached for the platform's Cache-Control max-age; an unknown kid
 * refetches once (unless our copy is younger than the cooldown), then fails.
 */
export async function platformKeyFor(env: Env, jwksUri: string, header: JWSHeaderParameters): Promise<CryptoKey> {
  const kid = header.kid;
  if (!kid) throw rejected("missing_kid", "The id_token header has no kid.");
  const now = Date.now();
  let { entry, fresh } = await cachedJwks(env, jwksUri, now);
  if (!hasKid(entry.jwks, kid) && !fresh && now - entry.fetchedAt >= REFETCH_COOLDOWN_MS) {
    entry = await fetchJwks(env, jwksUri, now);
  }
  if (!hasKid(entry.jwks, kid))
    throw rejected("unknown_kid", "The id_token was signed with a key the platform does not publish.");
  const keySet = createLocalJWKSet(entry.jwks as unknown as JSONWebKeySet);
  try {
    return (await keySet({ ...header, alg: "RS256" })) as CryptoKey;
  } catch {
    throw rejected("unknown_kid", "The platform's key for this kid is not a usable RS256 key.");
  }
}
