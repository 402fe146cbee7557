import { IsoTimestampSchema, nowIso } from "@atomic-guide/shared";
import { importJWK, type JWK, SignJWT } from "jose";
import * as v from "valibot";
import { unwrap, WrappedSchema, wrap } from "./wrap";

/** A key is rotated out after this long as current (scheduled rotation). */
export const KEY_MAX_AGE_MS = 30 * 24 * 60 * 60 * 1000;
/**
 * How long a replaced key stays published. Our own RS256 JWTs live 5 minutes, but platforms
 * cache a tool's JWKS (Canvas for hours), so a retired key must outlive their caches.
 */
export const KEY_OVERLAP_MS = 3 * 24 * 60 * 60 * 1000;
export const JWKS_MAX_AGE_SECONDS = 3600;

const INDEX_KEY = "toolkeys:index";
const keyRecordKey = (kid: string) => `toolkey:${kid}`;

const KidSchema = v.pipe(v.string(), v.regex(/^[A-Za-z0-9_-]{8,64}$/));

const PublicJwkSchema = v.object({
  kty: v.literal("RSA"),
  n: v.pipe(v.string(), v.minLength(16)),
  e: v.pipe(v.string(), v.minLength(1)),
  kid: KidSchema,
  use: v.literal("sig"),
  alg: v.literal("RS256"),
});
export type PublicJwk = v.InferOutput<typeof PublicJwkSchema>;

const KeyRecordSchema = v.object({
  kid: KidSchema,
  publicJwk: PublicJwkSchema,
  wrappedPrivateJwk: WrappedSchema,
  createdAt: IsoTimestampSchema,
});

const IndexEntrySchema = v.object({
  kid: KidSchema,
  createdAt: IsoTimestampSchema,
  /** Set when another key became current; the key is unpublished KEY_OVERLAP_MS later. */
  retiredAt: v.optional(IsoTimestampSchema),
});
/** The deterministic current-key pointer and the published set, in one record (no KV.list race). */
const KeyIndexSchema = v.object({ current: KidSchema, keys: v.pipe(v.array(IndexEntrySchema), v.maxLength(20)) });
type KeyIndex = v.InferOutput<typeof KeyIndexSchema>;

async function readIndex(env: Env): Promise<KeyIndex | null> {
  const parsed = v.safeParse(KeyIndexSchema, await env.PLATFORMS.get(INDEX_KEY, "json"));
  return parsed.success ? parsed.output : null;
}

const toBase64Url = (bytes: Uint8Array) =>
  btoa(String.fromCharCode(...bytes))
    .replaceAll("+", "-")
    .replaceAll("/", "_")
    .replaceAll("=", "");

async function generateKeyRecord(env: Env): Promise<v.InferOutput<typeof KeyRecordSchema>> {
  const pair = (await crypto.subtle.generateKey(
    { name: "RSASSA-PKCS1-v1_5", modulusLength: 2048, publicExponent: new Uint8Array([1, 0, 1]), hash: "SHA-256" },
    true,
    ["sign", "verify"],
  )) as CryptoKeyPair;
  const kid = toBase64Url(crypto.getRandomValues(new Uint8Array(16)));
  const pub = (await crypto.subtle.exportKey("jwk", pair.publicKey)) as JsonWebKey;
  const priv = (await crypto.subtle.exportKey("jwk", pair.privateKey)) as JsonWebKey;
  const publicJwk = v.parse(PublicJwkSchema, { kty: "RSA", n: pub.n, e: pub.e, kid, use: "sig", alg: "RS256" });
  const wrappedPrivateJwk = await wrap(env, JSON.stringify({ ...priv, kid, alg: "RS256" }), kid);
  return { kid, publicJwk, wrappedPrivateJwk, createdAt: nowIso() };
}

/** Adds a new key and makes it current; the previous current key is kept published for the overlap. */
export async function rotateToolKey(env: Env, now = Date.now()): Promise<{ kid: string; retired: string[] }> {
  const record = await generateKeyRecord(env);
  await env.PLATFORMS.put(keyRecordKey(record.kid), JSON.stringify(record));
  const index = await readIndex(env);
  const retiredAt = new Date(now).toISOString();
  const previous = (index?.keys ?? []).map((k) => (k.retiredAt ? k : { ...k, retiredAt }));
  const { kept, dropped } = splitExpired(previous, now);
  const next: KeyIndex = { current: record.kid, keys: [{ kid: record.kid, createdAt: record.createdAt }, ...kept] };
  await env.PLATFORMS.put(INDEX_KEY, JSON.stringify(v.parse(KeyIndexSchema, next)));
  await Promise.all(dropped.map((kid) => env.PLATFORMS.delete(keyRecordKey(kid))));
  return { kid: record.kid, retired: previous.filter((k) => kept.includes(k)).map((k) => k.kid) };
}

function splitExpired(entries: v.InferOutput<typeof IndexEntrySchema>[], now: number) {
  const kept = entries.filter((k) => !k.retiredAt || Date.parse(k.retiredAt) + KEY_OVERLAP_MS > now);
  const dropped = entries.filter((k) => !kept.includes(k)).map((k) => k.kid);
  return { kept: kept.slice(0, 10), dropped };
}

/**
 * The index, creating the first key when there is none yet. Called where a key is about to be
 * needed (a registration, a signature, the cron), never by an anonymous JWKS request.
 */
export async function ensureToolKey(env: Env): Promise<void> {
  await ensureIndex(env);
}

async function ensureIndex(env: Env): Promise<KeyIndex> {
  const index = await readIndex(env);
  if (index) return index;
  await rotateToolKey(env);
  const created = await readIndex(env);
  if (!created) throw new Error("tool key index could not be created");
  return created;
}

/**
 * Cron maintenance: rotates when the current key is older than KEY_MAX_AGE_MS and unpublishes
 * keys whose overlap window has passed.
 */
export async function maintainToolKeys(env: Env, now = Date.now()): Promise<{ rotated: boolean; removed: string[] }> {
  const index = await ensureIndex(env);
  const current = index.keys.find((k) => k.kid === index.current);
  if (!current || Date.parse(current.createdAt) + KEY_MAX_AGE_MS <= now) {
    await rotateToolKey(env, now);
    return { rotated: true, removed: [] };
  }
  const { kept, dropped } = splitExpired(index.keys, now);
  if (dropped.length > 0) {
    await env.PLATFORMS.put(INDEX_KEY, JSON.stringify({ current: index.current, keys: kept }));
    await Promise.all(dropped.map((kid) => env.PLATFORMS.delete(keyRecordKey(kid))));
  }
  return { rotated: false, removed: dropped };
}

async function readKeyRecord(env: Env, kid: string) {
  const parsed = v.safeParse(KeyRecordSchema, await env.PLATFORMS.get(keyRecordKey(kid), "json"));
  return parsed.success ? parsed.output : null;
}

/** The published JWKS: the current key first, then keys still inside their overlap window. */
export async function toolJwks(env: Env): Promise<{ keys: PublicJwk[] }> {
  const index = await readIndex(env);
  if (!index) return { keys: [] };
  const records = await Promise.all(index.keys.map((k) => readKeyRecord(env, k.kid)));
  return { keys: records.flatMap((r) => (r ? [r.publicJwk] : [])) };
}

const signingKeys = new Map<string, Promise<CryptoKey>>();

/** The current key for signing: its kid and the unwrapped private key (cached per isolate by kid). */
export async function currentSigningKey(env: Env): Promise<{ kid: string; key: CryptoKey }> {
  const index = await ensureIndex(env);
  const kid = index.current;
  let key = signingKeys.get(kid);
  if (!key) {
    key = (async () => {
      const record = await readKeyRecord(env, kid);
      if (!record) throw new Error("current tool key record is missing");
      const jwk = JSON.parse(await unwrap(env, record.wrappedPrivateJwk, kid)) as JWK;
      // Not extractable: a bug elsewhere in the isolate can sign with it but never export it.
      return (await importJWK(jwk, "RS256", { extractable: false })) as CryptoKey;
    })();
    signingKeys.set(kid, key);
    key.catch(() => signingKeys.delete(kid));
  }
  return { kid, key: await key };
}

/** Signs a JWT with the tool's current key (deep-linking responses, client assertions). */
export async function signWithToolKey(
  env: Env,
  payload: Record<string, unknown>,
  opts: { issuer: string; audience: string; subject?: string; ttlSeconds: number },
): Promise<string> {
  const { kid, key } = await currentSigningKey(env);
  const now = Math.floor(Date.now() / 1000);
  let jwt = new SignJWT(payload)
    .setProtectedHeader({ alg: "RS256", kid, typ: "JWT" })
    .setIssuer(opts.issuer)
    .setAudience(opts.audience)
    .setIssuedAt(now)
    .setExpirationTime(now + opts.ttlSeconds)
    .setJti(crypto.randomUUID());
  if (opts.subject) jwt = jwt.setSubject(opts.subject);
  return jwt.sign(key);
}
