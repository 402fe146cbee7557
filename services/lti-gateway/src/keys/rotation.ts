// Key mutations. Called only inside ToolKeysDurableObject (do/tool-keys.ts), which runs them
// one at a time; everyone else goes through keys/store.ts.
import { nowIso, randomBase64Url } from "@atomic-guide/shared";
import * as v from "valibot";
import {
  type IndexEntry,
  KEY_MAX_AGE_MS,
  KEY_OVERLAP_MS,
  type KeyIndex,
  type KeyRecord,
  keyRecordKey,
  PublicJwkSchema,
  readIndex,
  readKeyRecord,
  writeIndex,
  writeKeyRecord,
} from "./records";
import { needsRewrap, unwrap, wrap } from "./wrap";

async function generateKeyRecord(env: Env): Promise<KeyRecord> {
  // Extractable only here, once, to wrap it for storage; the signing copy is imported non-extractable.
  const pair = (await crypto.subtle.generateKey(
    { name: "RSASSA-PKCS1-v1_5", modulusLength: 2048, publicExponent: new Uint8Array([1, 0, 1]), hash: "SHA-256" },
    true,
    ["sign", "verify"],
  )) as CryptoKeyPair;
  const kid = randomBase64Url(16);
  const pub = (await crypto.subtle.exportKey("jwk", pair.publicKey)) as JsonWebKey;
  const priv = (await crypto.subtle.exportKey("jwk", pair.privateKey)) as JsonWebKey;
  const publicJwk = v.parse(PublicJwkSchema, { kty: "RSA", n: pub.n, e: pub.e, kid, use: "sig", alg: "RS256" });
  const wrappedPrivateJwk = await wrap(env, JSON.stringify({ ...priv, kid, alg: "RS256" }), kid);
  return { kid, publicJwk, wrappedPrivateJwk, createdAt: nowIso() };
}

function splitExpired(entries: IndexEntry[], now: number) {
  const kept = entries.filter((k) => !k.retiredAt || Date.parse(k.retiredAt) + KEY_OVERLAP_MS > now);
  const dropped = entries.filter((k) => !kept.includes(k)).map((k) => k.kid);
  return { kept: kept.slice(0, 10), dropped };
}

/** Adds a new key and makes it current; the previous current key is kept published for the overlap. */
export async function rotateToolKeyUnlocked(env: Env, now: number): Promise<{ kid: string; retired: string[] }> {
  const record = await generateKeyRecord(env);
  await writeKeyRecord(env, record);
  const index = await readIndex(env);
  const retiredAt = new Date(now).toISOString();
  const previous = (index?.keys ?? []).map((k) => (k.retiredAt ? k : { ...k, retiredAt }));
  const { kept, dropped } = splitExpired(previous, now);
  const next: KeyIndex = { current: record.kid, keys: [{ kid: record.kid, createdAt: record.createdAt }, ...kept] };
  await writeIndex(env, next);
  await Promise.all(dropped.map((kid) => env.PLATFORMS.delete(keyRecordKey(kid))));
  return { kid: record.kid, retired: previous.filter((k) => kept.includes(k)).map((k) => k.kid) };
}

/** Creates the first key when there is none. */
export async function ensureToolKeyUnlocked(env: Env): Promise<void> {
  if (!(await readIndex(env))) await rotateToolKeyUnlocked(env, Date.now());
}

/**
 * Re-wraps every published key still wrapped with an older KEY_WRAPPING_SECRET version, so the
 * previous secret can be removed (docs/operations.md §8). Returns how many were re-wrapped.
 */
export async function rewrapToolKeysUnlocked(env: Env): Promise<number> {
  const index = await readIndex(env);
  let count = 0;
  for (const entry of index?.keys ?? []) {
    const record = await readKeyRecord(env, entry.kid);
    if (!record || !(await needsRewrap(env, record.wrappedPrivateJwk))) continue;
    const plaintext = await unwrap(env, record.wrappedPrivateJwk, record.kid);
    await writeKeyRecord(env, { ...record, wrappedPrivateJwk: await wrap(env, plaintext, record.kid) });
    count++;
  }
  return count;
}

/**
 * Cron maintenance: creates the first key if none, rotates when the current key is older than
 * KEY_MAX_AGE_MS, unpublishes keys whose overlap window has passed, re-wraps keys wrapped with
 * an older secret version.
 */
export async function maintainToolKeysUnlocked(
  env: Env,
  now: number,
): Promise<{ rotated: boolean; removed: string[]; rewrapped: number }> {
  await ensureToolKeyUnlocked(env);
  const index = (await readIndex(env)) as KeyIndex;
  const current = index.keys.find((k) => k.kid === index.current);
  if (!current || Date.parse(current.createdAt) + KEY_MAX_AGE_MS <= now) {
    await rotateToolKeyUnlocked(env, now);
    return { rotated: true, removed: [], rewrapped: await rewrapToolKeysUnlocked(env) };
  }
  const { kept, dropped } = splitExpired(index.keys, now);
  if (dropped.length > 0) {
    await writeIndex(env, { current: index.current, keys: kept });
    await Promise.all(dropped.map((kid) => env.PLATFORMS.delete(keyRecordKey(kid))));
  }
  return { rotated: false, removed: dropped, rewrapped: await rewrapToolKeysUnlocked(env) };
}
