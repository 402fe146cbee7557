import * as v from "valibot";
import { ApiError } from "./errors";

/**
 * A tenant's feature flags (docs/api.md, /admin/tenants/:tenantId/flags). The gateway owns
 * them (KV FLAGS) and enforces them; it also passes them on in FLAGS_HEADER so each service
 * enforces its own flag again, in case a request ever reaches it by another path.
 */
export const AiProviderSchema = v.picklist(["workers-ai", "external", "offline", "auto"]);
export type AiProvider = v.InferOutput<typeof AiProviderSchema>;

export const TenantFlagsSchema = v.strictObject({
  chat: v.boolean(),
  struggleDetection: v.boolean(),
  analytics: v.boolean(),
  aiProvider: AiProviderSchema,
  /**
   * Course insight hides groups smaller than this many learners, so no single learner can be
   * identified (0 = report every group). Set by the institution, never by the caller.
   */
  insightMinGroupSize: v.pipe(v.number(), v.integer(), v.minValue(0), v.maxValue(100)),
});
export type TenantFlags = v.InferOutput<typeof TenantFlagsSchema>;
export type FeatureFlag = "chat" | "struggleDetection" | "analytics";

export const FLAGS_HEADER = "X-Atomic-Flags";

/**
 * Refuses a forwarded request whose tenant has `flag` off (403 feature_disabled). A request
 * without the header passes: only the gateway sets it, and it always does on /api and /ws.
 */
export function requireFeature(request: Request, flag: FeatureFlag): void {
  const raw = request.headers.get(FLAGS_HEADER);
  if (raw === null) return;
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    throw new ApiError(400, "invalid_flags", "The forwarded feature flags are unreadable.");
  }
  const flags = v.safeParse(v.partial(v.object(TenantFlagsSchema.entries)), parsed);
  if (!flags.success) throw new ApiError(400, "invalid_flags", "The forwarded feature flags are malformed.");
  if (flags.output[flag] === false) {
    throw new ApiError(403, "feature_disabled", "This feature is turned off for your institution.");
  }
}

/** The switches an AuthContext carries (the gateway's copy of the tenant's flags). */
type CarriesFlags = { flags?: Partial<Record<FeatureFlag, boolean>> | undefined };

/** False only when the caller's flags say the feature is off; absent flags leave it to the gateway. */
export const featureOn = (auth: CarriesFlags, flag: FeatureFlag): boolean => auth.flags?.[flag] !== false;

/** For RPC entries: refuses (403 feature_disabled) a call for a tenant with `flag` off. */
export function requireFeatureFor(auth: CarriesFlags, flag: FeatureFlag): void {
  if (!featureOn(auth, flag)) {
    throw new ApiError(403, "feature_disabled", "This feature is turned off for your institution.");
  }
}

/** The part of a tenant's flags that travels in an AuthContext. */
export const carriedFlags = (flags: TenantFlags) => ({
  chat: flags.chat,
  struggleDetection: flags.struggleDetection,
  analytics: flags.analytics,
});
