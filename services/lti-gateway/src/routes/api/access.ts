import { ApiError } from "@atomic-guide/shared";
import type { Caller } from "../../auth/caller";
import { type FeatureFlag, getFlags, type TenantFlags } from "../../flags/store";
import type { ForwardRoute } from "../../forward/routes";

const FEATURE_NAMES: Record<FeatureFlag, string> = {
  chat: "Chat",
  struggleDetection: "Struggle detection",
  analytics: "Course insight",
};

/**
 * The checks every forwarded route shares after authentication: the tenant's flag for the
 * feature (403 feature_disabled, for that tenant only) and instructor-only routes. Returns the
 * flags so they travel with the request.
 */
export async function checkAccess(env: Env, caller: Caller, route: ForwardRoute): Promise<TenantFlags> {
  const flags = await getFlags(env, caller.auth.tenantId);
  if (!flags[route.flag]) {
    throw new ApiError(403, "feature_disabled", `${FEATURE_NAMES[route.flag]} is turned off for your institution.`);
  }
  if (route.instructorOnly && !caller.auth.isInstructor) {
    throw new ApiError(403, "instructor_only", "Only the course's instructors can use this.");
  }
  return flags;
}
