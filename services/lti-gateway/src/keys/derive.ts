import * as v from "valibot";

const SecretSchema = v.pipe(
  v.string("KEY_ENCRYPTION_SECRET is not set"),
  v.minLength(32, "KEY_ENCRYPTION_SECRET must be at least 32 characters"),
);

const encoder = new TextEncoder();
const cache = new Map<string, { secret: string; key: Promise<CryptoKey> }>();

/**
 * A key derived by HKDF from the Worker secret KEY_ENCRYPTION_SECRET, one per purpose: each
 * `info` string yields a key unrelated to every other (the API token's HMAC key never unwraps a
 * tool key, and the reverse). The secret itself is never used as a key. Cached per isolate and
 * purpose, and derived again if the secret changes.
 */
export function derivedKey(
  env: object,
  info: string,
  algorithm: SubtleCryptoImportKeyAlgorithm,
  usages: string[],
): Promise<CryptoKey> {
  const secret = v.parse(SecretSchema, (env as { KEY_ENCRYPTION_SECRET?: unknown }).KEY_ENCRYPTION_SECRET);
  const hit = cache.get(info);
  if (hit?.secret === secret) return hit.key;
  const key = (async () => {
    const ikm = await crypto.subtle.importKey("raw", encoder.encode(secret), "HKDF", false, ["deriveKey"]);
    return crypto.subtle.deriveKey(
      { name: "HKDF", hash: "SHA-256", salt: encoder.encode("atomic-guide/lti-gateway"), info: encoder.encode(info) },
      ikm,
      algorithm,
      false,
      usages,
    );
  })();
  cache.set(info, { secret, key });
  return key;
}
