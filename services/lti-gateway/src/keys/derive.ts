import * as v from "valibot";

/**
 * Two unrelated secrets, one per purpose, each versioned so it can be rotated without downtime:
 * - "wrap": KEY_WRAPPING_SECRET wraps the tool's private signing keys at rest;
 * - "api-token": API_TOKEN_SECRET signs the API tokens.
 * A value is `v<N>.<secret of at least 32 characters>`; `<NAME>_PREVIOUS` may hold the version
 * before it, still accepted for unwrapping and verification while a rotation is under way
 * (docs/operations.md §8). Where a purpose's own secret is unset, the legacy
 * KEY_ENCRYPTION_SECRET stands in as version "v0", so installations from before the split keep
 * their keys and tokens until they rotate.
 */
export const SECRET_PURPOSES = ["wrap", "api-token"] as const;
export type SecretPurpose = (typeof SECRET_PURPOSES)[number];

const SECRET_NAMES: Record<SecretPurpose, { current: string; previous: string }> = {
  wrap: { current: "KEY_WRAPPING_SECRET", previous: "KEY_WRAPPING_SECRET_PREVIOUS" },
  "api-token": { current: "API_TOKEN_SECRET", previous: "API_TOKEN_SECRET_PREVIOUS" },
};
const LEGACY_SECRET = "KEY_ENCRYPTION_SECRET";
const LEGACY_VERSION = "v0";

const VersionedSecretSchema = v.pipe(
  v.string(),
  v.regex(/^v[1-9][0-9]{0,5}\.[\x21-\x7e]{32,}$/, "must be v<N>.<at least 32 printable characters>"),
);
const LegacySecretSchema = v.pipe(v.string(), v.minLength(32, "KEY_ENCRYPTION_SECRET must be at least 32 characters"));

export interface VersionedSecret {
  version: string;
  secret: string;
}

const field = (env: object, name: string): unknown => (env as Record<string, unknown>)[name];

function parseVersioned(env: object, name: string): VersionedSecret | undefined {
  const raw = field(env, name);
  if (raw === undefined || raw === "") return undefined;
  if (!v.is(VersionedSecretSchema, raw)) throw new Error(`${name} must be v<N>.<secret of 32+ characters>`);
  const value = raw;
  const dot = value.indexOf(".");
  return { version: value.slice(0, dot), secret: value.slice(dot + 1) };
}

/** The purpose's secrets, current first, then the previous version if one is set. */
export function secretsFor(env: object, purpose: SecretPurpose): VersionedSecret[] {
  const names = SECRET_NAMES[purpose];
  const current = parseVersioned(env, names.current);
  const previous = parseVersioned(env, names.previous);
  const legacyRaw = field(env, LEGACY_SECRET);
  const legacy =
    legacyRaw === undefined || legacyRaw === ""
      ? undefined
      : { version: LEGACY_VERSION, secret: v.parse(LegacySecretSchema, legacyRaw) };
  const ring = [current ?? legacy, previous ?? (current ? legacy : undefined)].filter(
    (s): s is VersionedSecret => s !== undefined,
  );
  if (ring.length === 0) throw new Error(`${names.current} is not set (nor the legacy ${LEGACY_SECRET})`);
  if (ring[0]?.version === ring[1]?.version) throw new Error(`${names.previous} must be an older version`);
  return ring;
}

const encoder = new TextEncoder();
/** Derived keys, not promises of them: a promise another request made is not this one's to await. */
const cache = new Map<string, CryptoKey>();

async function deriveFrom(
  secret: string,
  info: string,
  algorithm: SubtleCryptoImportKeyAlgorithm,
  usages: string[],
): Promise<CryptoKey> {
  // The cache key holds a hash-free copy of the secret only inside this isolate's memory.
  const cacheKey = JSON.stringify([secret, info]);
  const hit = cache.get(cacheKey);
  if (hit) return hit;
  const ikm = await crypto.subtle.importKey("raw", encoder.encode(secret), "HKDF", false, ["deriveKey"]);
  const key = await crypto.subtle.deriveKey(
    { name: "HKDF", hash: "SHA-256", salt: encoder.encode("atomic-guide/lti-gateway"), info: encoder.encode(info) },
    ikm,
    algorithm,
    false,
    usages,
  );
  cache.set(cacheKey, key);
  return key;
}

export interface VersionedKey {
  version: string;
  key: CryptoKey;
}

/**
 * Keys derived by HKDF for one purpose, current first: `info` separates uses further, so the
 * same secret never yields the same key twice. The secret itself is never used as a key.
 */
export async function derivedKeys(
  env: object,
  purpose: SecretPurpose,
  info: string,
  algorithm: SubtleCryptoImportKeyAlgorithm,
  usages: string[],
): Promise<VersionedKey[]> {
  return Promise.all(
    secretsFor(env, purpose).map(async (s) => ({
      version: s.version,
      key: await deriveFrom(s.secret, info, algorithm, usages),
    })),
  );
}

/** The current key of a purpose. */
export async function derivedKey(
  env: object,
  purpose: SecretPurpose,
  info: string,
  algorithm: SubtleCryptoImportKeyAlgorithm,
  usages: string[],
): Promise<VersionedKey> {
  const [current] = await derivedKeys(env, purpose, info, algorithm, usages);
  if (!current) throw new Error("no secret");
  return current;
}
