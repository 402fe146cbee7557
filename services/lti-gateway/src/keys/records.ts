import { IsoTimestampSchema } from "@atomic-guide/shared";
import * as v from "valibot";
import { WrappedSchema } from "./wrap";

/** A key is rotated out after this long as current (scheduled rotation). */
export const KEY_MAX_AGE_MS = 30 * 24 * 60 * 60 * 1000;
/**
 * How long a replaced key stays published. Our own RS256 JWTs live 5 minutes, but platforms
 * cache a tool's JWKS (Canvas for hours), so a retired key must outlive their caches.
 */
export const KEY_OVERLAP_MS = 3 * 24 * 60 * 60 * 1000;

const INDEX_KEY = "toolkeys:index";
export const keyRecordKey = (kid: string) => `toolkey:${kid}`;

const KidSchema = v.pipe(v.string(), v.regex(/^[A-Za-z0-9_-]{8,64}$/));

export const PublicJwkSchema = v.object({
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
export type KeyRecord = v.InferOutput<typeof KeyRecordSchema>;

const IndexEntrySchema = v.object({
  kid: KidSchema,
  createdAt: IsoTimestampSchema,
  /** Set when another key became current; the key is unpublished KEY_OVERLAP_MS later. */
  retiredAt: v.optional(IsoTimestampSchema),
});
export type IndexEntry = v.InferOutput<typeof IndexEntrySchema>;
/** The deterministic current-key pointer and the published set, in one record (no KV.list race). */
const KeyIndexSchema = v.object({ current: KidSchema, keys: v.pipe(v.array(IndexEntrySchema), v.maxLength(20)) });
export type KeyIndex = v.InferOutput<typeof KeyIndexSchema>;

export async function readIndex(env: Env): Promise<KeyIndex | null> {
  const parsed = v.safeParse(KeyIndexSchema, await env.PLATFORMS.get(INDEX_KEY, "json"));
  return parsed.success ? parsed.output : null;
}

export async function writeIndex(env: Env, index: KeyIndex): Promise<void> {
  await env.PLATFORMS.put(INDEX_KEY, JSON.stringify(v.parse(KeyIndexSchema, index)));
}

export async function readKeyRecord(env: Env, kid: string): Promise<KeyRecord | null> {
  const parsed = v.safeParse(KeyRecordSchema, await env.PLATFORMS.get(keyRecordKey(kid), "json"));
  return parsed.success ? parsed.output : null;
}

export async function writeKeyRecord(env: Env, record: KeyRecord): Promise<void> {
  await env.PLATFORMS.put(keyRecordKey(record.kid), JSON.stringify(v.parse(KeyRecordSchema, record)));
}
