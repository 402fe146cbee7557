import { createLocalJWKSet, type JSONWebKeySet, type JWSHeaderParameters } from "jose";
import * as v from "valibot";
import { rejected } from "./errors";
import { readPlatformJson } from "./platform-response";

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

/** How long a copy past its max-age is kept to serve while the platform is down. */
const STALE_KEEP_S = 24 * 60 * 60;

/** The KV key of a JWKS copy: a hash, so a long jwks_uri never makes a key over KV's 512 bytes. */
export async function jwksCacheKey(uri: string): Promise<string> {
  const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", new TextEncoder().encode(uri)));
  return `jwks:${Array.from(digest, (b) => b.toString(16).padStart(2, "0")).join("")}`;
}

/** When a fetch last failed in this isolate, by jwks_uri: no new attempt within the cooldown. */
const failedAt = new Map<string, number>();

/** max-age from Cache-Control, clamped; no-store/no-cache still cache for the floor. */
export function maxAgeFrom(cacheControl: string | null): number {
  if (!cacheControl) return DEFAULT_MAX_AGE_S;
  const match = /(?:^|,)\s*(?:s-maxage|max-age)\s*=\s*"?(\d+)"?/i.exec(cacheControl);
  if (!match?.[1]) return /no-(store|cache)/i.test(cacheControl) ? MIN_MAX_AGE_S : DEFAULT_MAX_AGE_S;
  return Math.min(MAX_MAX_AGE_S, Math.max(MIN_MAX_AGE_S, Number(match[1])));
}

const unavailable = (message = "The platform's signing keys could not be fetched.") =>
  rejected("jwks_unavailable", message);

async function downloadJwks(uri: string, now: number): Promise<{ cached: Cached; maxAge: number }> {
  let response: Response;
  try {
    response = await fetch(uri, {
      headers: { Accept: "application/json" },
      redirect: "manual",
      signal: AbortSignal.timeout(FETCH_TIMEOUT_MS),
    });
  } catch {
    throw unavailable();
  }
  if (!response.ok) {
    await response.body?.cancel();
    throw unavailable();
  }
  const parsed = v.safeParse(JwksSchema, await readPlatformJson(response, MAX_JWKS_BYTES));
  if (!parsed.success) throw unavailable("The platform's signing keys are not a valid JWKS.");
  const maxAge = maxAgeFrom(response.headers.get("Cache-Control"));
  return { cached: { jwks: parsed.output, fetchedAt: now, maxAgeMs: maxAge * 1000 }, maxAge };
}

/**
 * Downloads the JWKS and stores the KV copy (best effort: KV takes one write per key per second).
 * Not shared between concurrent launches: a fetch belongs to the request that started it, and a
 * launch awaiting another's fetch after that request ended would be cancelled as hung (with the
 * entry never cleared, every later launch of the platform in the isolate with it). Misses are
 * rare (the KV copy and `held` serve the rest), so a burst on a cold copy costs a few fetches.
 */
async function fetchJwks(env: Env, uri: string, now: number): Promise<Cached> {
  const last = failedAt.get(uri);
  if (last !== undefined && now - last < REFETCH_COOLDOWN_MS) throw unavailable();
  try {
    const { cached, maxAge } = await downloadJwks(uri, now);
    failedAt.delete(uri);
    try {
      await env.PLATFORMS.put(await jwksCacheKey(uri), JSON.stringify(cached), {
        expirationTtl: maxAge + STALE_KEEP_S,
      });
    } catch {
      // KV refuses a second write to one key within a second: the copy in hand is just as good.
    }
    return cached;
  } catch (e) {
    failedAt.set(uri, now);
    throw e;
  }
}

/** Our copy (fresh or stale) and whether it was just fetched; a stale copy is served if the platform is down. */
async function cachedJwks(env: Env, uri: string, now: number): Promise<{ entry: Cached; fresh: boolean }> {
  const parsed = v.safeParse(CachedSchema, await env.PLATFORMS.get(await jwksCacheKey(uri), "json"));
  const copy = parsed.success ? parsed.output : undefined;
  if (copy && copy.fetchedAt + copy.maxAgeMs > now) return { entry: copy, fresh: false };
  try {
    return { entry: await fetchJwks(env, uri, now), fresh: true };
  } catch (e) {
    if (copy) return { entry: copy, fresh: false };
    throw e;
  }
}

const hasKid = (jwks: Cached["jwks"], kid: string) => jwks.keys.some((k) => k.kid === kid);

/**
 * This isolate's copy of each JWKS with the keys imported from it, by jwks_uri: while the copy
 * is fresh, a launch whose kid it holds reads no KV and imports no key. Same freshness as the
 * KV copy; an unknown kid or an expired copy goes the KV/fetch way and replaces the entry.
 */
interface HeldJwks {
  entry: Cached;
  /** Imported keys, not promises of them (see fetchJwks). */
  keys: Map<string, CryptoKey>;
}
const held = new Map<string, HeldJwks>();
/** Registrations, not requests, set the count; the bound only keeps a misconfigured flood from growing it. */
const MAX_HELD = 256;

/** Test hook: a fresh isolate, which knows only what KV holds. */
export function forgetHeldJwks(): void {
  held.clear();
}

/**
 * Drops every copy of a platform's JWKS we hold (KV, this isolate's, the failure cooldown), so
 * the next launch fetches it. Called when an operator (re)registers the platform: after a key
 * rotation that launches fail on, re-posting the registration takes effect at once instead of
 * after the unknown-kid cooldown. Other isolates' held copies still answer known kids only.
 */
export async function forgetPlatformJwks(env: Env, uri: string): Promise<void> {
  held.delete(uri);
  failedAt.delete(uri);
  await env.PLATFORMS.delete(await jwksCacheKey(uri));
}

function hold(uri: string, entry: Cached): HeldJwks {
  const current = held.get(uri);
  if (current?.entry === entry) return current;
  if (!current && held.size >= MAX_HELD) held.delete(held.keys().next().value as string);
  const next = { entry, keys: new Map<string, CryptoKey>() };
  held.set(uri, next);
  return next;
}

async function keyFrom(jwks: HeldJwks, kid: string, header: JWSHeaderParameters): Promise<CryptoKey> {
  const imported = jwks.keys.get(kid);
  if (imported) return imported;
  const keySet = createLocalJWKSet(jwks.entry.jwks as unknown as JSONWebKeySet);
  let key: CryptoKey;
  try {
    key = (await keySet({ ...header, alg: "RS256" })) as CryptoKey;
  } catch {
    throw rejected("unknown_kid", "The platform's key for this kid is not a usable RS256 key.");
  }
  jwks.keys.set(kid, key);
  return key;
}

/**
 * The platform's verification key for a token header, from the stored registration's jwks_uri
 * (never from the token). KV-cached for the platform's Cache-Control max-age and kept a day
 * longer to serve while the platform is down; an unknown kid refetches once (unless our copy is
 * younger than the cooldown, or a fetch failed within it), then fails. Each launch that needs a
 * fetch makes its own (none is shared between requests); a fresh copy's imported keys are kept
 * per isolate (`held`).
 */
export async function platformKeyFor(env: Env, jwksUri: string, header: JWSHeaderParameters): Promise<CryptoKey> {
  const kid = header.kid;
  if (!kid) throw rejected("missing_kid", "The id_token header has no kid.");
  const now = Date.now();
  const mine = held.get(jwksUri);
  if (mine && mine.entry.fetchedAt + mine.entry.maxAgeMs > now && hasKid(mine.entry.jwks, kid)) {
    return keyFrom(mine, kid, header);
  }
  let { entry, fresh } = await cachedJwks(env, jwksUri, now);
  if (!hasKid(entry.jwks, kid) && !fresh && now - entry.fetchedAt >= REFETCH_COOLDOWN_MS) {
    entry = await fetchJwks(env, jwksUri, now).catch(() => entry);
  }
  if (!hasKid(entry.jwks, kid))
    throw rejected("unknown_kid", "The id_token was signed with a key the platform does not publish.");
  return keyFrom(hold(jwksUri, entry), kid, header);
}
