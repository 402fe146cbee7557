import * as v from "valibot";

const encoder = new TextEncoder();
const decoder = new TextDecoder();

const SecretSchema = v.pipe(
  v.string("KEY_ENCRYPTION_SECRET is not set"),
  v.minLength(32, "KEY_ENCRYPTION_SECRET must be at least 32 characters"),
);

export const WrappedSchema = v.object({
  v: v.literal(1),
  iv: v.pipe(v.string(), v.base64()),
  ciphertext: v.pipe(v.string(), v.base64()),
});
export type Wrapped = v.InferOutput<typeof WrappedSchema>;

let cached: { secret: string; key: Promise<CryptoKey> } | undefined;

/**
 * The AES-GCM key that wraps the tool's private signing keys at rest in KV. Derived by HKDF
 * with its own info string, so it is unrelated to any other key derived from the same secret
 * (the API token's HMAC key in particular).
 */
function wrappingKey(env: Env): Promise<CryptoKey> {
  const secret = v.parse(SecretSchema, (env as { KEY_ENCRYPTION_SECRET?: unknown }).KEY_ENCRYPTION_SECRET);
  if (cached?.secret === secret) return cached.key;
  const key = (async () => {
    const ikm = await crypto.subtle.importKey("raw", encoder.encode(secret), "HKDF", false, ["deriveKey"]);
    return crypto.subtle.deriveKey(
      {
        name: "HKDF",
        hash: "SHA-256",
        salt: encoder.encode("atomic-guide/lti-gateway"),
        info: encoder.encode("atomic-guide tool-key wrap aes-gcm v1"),
      },
      ikm,
      { name: "AES-GCM", length: 256 },
      false,
      ["encrypt", "decrypt"],
    );
  })();
  cached = { secret, key };
  return key;
}

const toBase64 = (bytes: Uint8Array) => btoa(String.fromCharCode(...bytes));
const fromBase64 = (b64: string) => Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));

/** Encrypts `plaintext`; `aad` (the key id) ties the ciphertext to the record it belongs to. */
export async function wrap(env: Env, plaintext: string, aad: string): Promise<Wrapped> {
  const iv = crypto.getRandomValues(new Uint8Array(12));
  const ciphertext = await crypto.subtle.encrypt(
    { name: "AES-GCM", iv, additionalData: encoder.encode(aad) },
    await wrappingKey(env),
    encoder.encode(plaintext),
  );
  return { v: 1, iv: toBase64(iv), ciphertext: toBase64(new Uint8Array(ciphertext)) };
}

export async function unwrap(env: Env, wrapped: Wrapped, aad: string): Promise<string> {
  const plaintext = await crypto.subtle.decrypt(
    { name: "AES-GCM", iv: fromBase64(wrapped.iv), additionalData: encoder.encode(aad) },
    await wrappingKey(env),
    fromBase64(wrapped.ciphertext),
  );
  return decoder.decode(plaintext);
}
