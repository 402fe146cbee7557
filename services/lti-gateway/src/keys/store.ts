import { importJWK, type JWK, SignJWT } from "jose";
import { type PublicJwk, readIndex, readKeyRecord } from "./records";
import { unwrap } from "./wrap";

export { KEY_MAX_AGE_MS, KEY_OVERLAP_MS, type PublicJwk } from "./records";
export const JWKS_MAX_AGE_SECONDS = 3600;

/** The one object that creates, rotates and re-wraps keys (do/tool-keys.ts), so none of that races. */
const toolKeysObject = (env: Env) => env.TOOL_KEYS.get(env.TOOL_KEYS.idFromName("tool-keys"));

/** Adds a new key and makes it current; the previous current key is kept published for the overlap. */
export function rotateToolKey(env: Env, now = Date.now()): Promise<{ kid: string; retired: string[] }> {
  return toolKeysObject(env).rotate(now);
}

/** Cron maintenance (see keys/rotation.ts maintainToolKeysUnlocked). */
export function maintainToolKeys(
  env: Env,
  now = Date.now(),
): Promise<{ rotated: boolean; removed: string[]; rewrapped: number }> {
  return toolKeysObject(env).maintain(now);
}

/** Re-wraps keys wrapped with an older KEY_WRAPPING_SECRET version; how many. */
export function rewrapToolKeys(env: Env): Promise<number> {
  return toolKeysObject(env).rewrap();
}

/**
 * Makes sure a key exists. Called where a key is about to be needed (a registration, a
 * signature, the cron), never by an anonymous JWKS request.
 */
export async function ensureToolKey(env: Env): Promise<void> {
  if (!(await readIndex(env))) await toolKeysObject(env).ensure();
}

/** The published JWKS: the current key first, then keys still inside their overlap window; empty before the first key. */
export async function toolJwks(env: Env): Promise<{ keys: PublicJwk[] }> {
  const index = await readIndex(env);
  if (!index) return { keys: [] };
  const records = await Promise.all(index.keys.map((k) => readKeyRecord(env, k.kid)));
  return { keys: records.flatMap((r) => (r ? [r.publicJwk] : [])) };
}

/** Unwrapped keys by kid, not promises of them: a promise another request made is not this one's to await. */
const signingKeys = new Map<string, CryptoKey>();

/** The current key for signing: its kid and the unwrapped private key (cached per isolate by kid). */
export async function currentSigningKey(env: Env): Promise<{ kid: string; key: CryptoKey }> {
  await ensureToolKey(env);
  const index = await readIndex(env);
  if (!index) throw new Error("tool key index could not be created");
  const kid = index.current;
  const cached = signingKeys.get(kid);
  if (cached) return { kid, key: cached };
  const record = await readKeyRecord(env, kid);
  if (!record) throw new Error("current tool key record is missing");
  const jwk = JSON.parse(await unwrap(env, record.wrappedPrivateJwk, kid)) as JWK;
  // Not extractable: a bug elsewhere in the isolate can sign with it but never export it.
  const key = (await importJWK(jwk, "RS256", { extractable: false })) as CryptoKey;
  signingKeys.set(kid, key);
  return { kid, key };
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
