import { base64ToBytes, bytesToBase64 } from "@atomic-guide/shared";
import * as v from "valibot";
import { derivedKey, derivedKeys } from "./derive";

const encoder = new TextEncoder();
const decoder = new TextDecoder();

export const WrappedSchema = v.object({
  v: v.literal(1),
  /** Version of KEY_WRAPPING_SECRET that wrapped it; absent on records from before versioning ("v0"). */
  secretVersion: v.optional(v.pipe(v.string(), v.regex(/^v\d{1,6}$/))),
  iv: v.pipe(v.string(), v.base64()),
  ciphertext: v.pipe(v.string(), v.base64()),
});
export type Wrapped = v.InferOutput<typeof WrappedSchema>;

const INFO = "atomic-guide tool-key wrap aes-gcm v1";
const AES: SubtleCryptoImportKeyAlgorithm = { name: "AES-GCM", length: 256 };

/** Encrypts `plaintext` with the current wrapping secret; `aad` (the key id) ties it to its record. */
export async function wrap(env: Env, plaintext: string, aad: string): Promise<Wrapped> {
  const { version, key } = await derivedKey(env, "wrap", INFO, AES, ["encrypt", "decrypt"]);
  const iv = crypto.getRandomValues(new Uint8Array(12));
  const ciphertext = await crypto.subtle.encrypt(
    { name: "AES-GCM", iv, additionalData: encoder.encode(aad) },
    key,
    encoder.encode(plaintext),
  );
  return { v: 1, secretVersion: version, iv: bytesToBase64(iv), ciphertext: bytesToBase64(new Uint8Array(ciphertext)) };
}

/** Whether a record was wrapped with an older secret version than the current one. */
export async function needsRewrap(env: Env, wrapped: Wrapped): Promise<boolean> {
  const { version } = await derivedKey(env, "wrap", INFO, AES, ["encrypt", "decrypt"]);
  return (wrapped.secretVersion ?? "v0") !== version;
}

/** Decrypts with the secret version that wrapped it (current or previous); throws if neither is set. */
export async function unwrap(env: Env, wrapped: Wrapped, aad: string): Promise<string> {
  const version = wrapped.secretVersion ?? "v0";
  const match = (await derivedKeys(env, "wrap", INFO, AES, ["encrypt", "decrypt"])).find((k) => k.version === version);
  if (!match) throw new Error(`wrapping secret ${version} is no longer configured`);
  const plaintext = await crypto.subtle.decrypt(
    { name: "AES-GCM", iv: base64ToBytes(wrapped.iv), additionalData: encoder.encode(aad) },
    match.key,
    base64ToBytes(wrapped.ciphertext),
  );
  return decoder.decode(plaintext);
}
