import * as v from "valibot";
import { derivedKey } from "./derive";

const encoder = new TextEncoder();
const decoder = new TextDecoder();

export const WrappedSchema = v.object({
  v: v.literal(1),
  iv: v.pipe(v.string(), v.base64()),
  ciphertext: v.pipe(v.string(), v.base64()),
});
export type Wrapped = v.InferOutput<typeof WrappedSchema>;

/**
 * The AES-GCM key that wraps the tool's private signing keys at rest in KV, unrelated to any
 * other key derived from the same secret (the API token's HMAC key in particular).
 */
function wrappingKey(env: Env): Promise<CryptoKey> {
  return derivedKey(env, "atomic-guide tool-key wrap aes-gcm v1", { name: "AES-GCM", length: 256 }, [
    "encrypt",
    "decrypt",
  ]);
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
