import {
  type AiProvider,
  AiProviderSchema,
  ApiError,
  createLogger,
  errorFields,
  type FeatureFlag,
  type TenantFlags,
  TenantFlagsSchema,
  TenantIdSchema,
} from "@atomic-guide/shared";
import { IsolateCache } from "@atomic-guide/shared/isolate-cache";
import * as v from "valibot";
import { announceSocketFeatures, type SocketsPending } from "../sockets/announce";

const log = createLogger({ service: "lti-gateway", module: "flags" });

export { type AiProvider, AiProviderSchema, type FeatureFlag, type TenantFlags, TenantFlagsSchema };

/** A tenant with no record gets everything on and lets chat pick its provider. */
export const DEFAULT_FLAGS: TenantFlags = Object.freeze({
  chat: true,
  struggleDetection: true,
  analytics: true,
  aiProvider: "auto",
  insightMinGroupSize: 0,
});

/**
 * What an operator sends: any subset of the flags (a full object replaces them all). Unknown
 * keys and wrong types are refused; an empty object changes nothing and is refused too.
 */
export const TenantFlagsUpdateSchema = v.pipe(
  v.strictObject(v.partial(TenantFlagsSchema).entries),
  v.check((update) => Object.keys(update).length > 0, "name at least one flag to change"),
);
export type TenantFlagsUpdate = v.InferOutput<typeof TenantFlagsUpdateSchema>;

/**
 * What KV holds. Read leniently and merged over the defaults, so a flag added later reads as its
 * default from older records; only known keys with the right type are kept.
 */
const StoredFlagsSchema = v.partial(v.object(TenantFlagsSchema.entries));

export const flagsKey = (tenantId: string) => `flags:${tenantId}`;

/**
 * Every /api request needs the tenant's flags, so each isolate keeps them briefly. An operator's
 * change is visible at once in the isolate that wrote it, elsewhere within this TTL plus KV's own
 * propagation (about a minute across locations).
 */
const ISOLATE_TTL_MS = 10_000;
const cache = new IsolateCache<TenantFlags>({ ttlMs: ISOLATE_TTL_MS, maxKeys: 1000 });

/** The stored flags, past the isolate cache (defaults when none are stored). */
export async function readStoredFlags(env: Env, tenantId: string): Promise<TenantFlags> {
  const raw = await env.FLAGS.get(flagsKey(tenantId), "json");
  if (raw === null) return DEFAULT_FLAGS;
  const parsed = v.safeParse(StoredFlagsSchema, raw);
  if (!parsed.success) {
    log.warn("ignoring malformed flags record", { tenantId });
    return DEFAULT_FLAGS;
  }
  return { ...DEFAULT_FLAGS, ...parsed.output };
}

/** The tenant's flags (defaults when none are stored). */
export async function getFlags(env: Env, tenantId: string): Promise<TenantFlags> {
  v.parse(TenantIdSchema, tenantId);
  const hit = cache.get(tenantId);
  if (hit) return hit;
  let flags: TenantFlags;
  try {
    flags = await readStoredFlags(env, tenantId);
  } catch (e) {
    // A KV hiccup must not take every tenant's API down; a stale answer is better than none.
    log.error("flags unreadable", { tenantId, ...errorFields(e) });
    const stale = cache.stale(tenantId);
    if (stale) return stale;
    // Fail closed: a flag may be off for a reason (contract, law), so never guess "on".
    throw new ApiError(503, "flags_unavailable", "Feature settings cannot be read right now; try again shortly.", {
      "Retry-After": "5",
    });
  }
  cache.set(tenantId, flags);
  return flags;
}

/**
 * Applies an update over the current flags (bypassing the isolate cache) and stores the result.
 * A change to a feature with sockets is also announced to the services holding them, so open
 * sockets of a feature turned off close too, not only new requests; `sockets` says when a
 * service could not be told yet (retried, sockets/retry.ts).
 */
export async function updateFlags(
  env: Env,
  tenantId: string,
  update: TenantFlagsUpdate,
): Promise<{ flags: TenantFlags; pending: SocketsPending | null }> {
  v.parse(TenantIdSchema, tenantId);
  const next = v.parse(TenantFlagsSchema, { ...(await readStoredFlags(env, tenantId)), ...update });
  await env.FLAGS.put(flagsKey(tenantId), JSON.stringify(next));
  cache.set(tenantId, next);
  const pending =
    update.chat !== undefined || update.struggleDetection !== undefined
      ? await announceSocketFeatures(env, tenantId, next)
      : null;
  return { flags: next, pending };
}
