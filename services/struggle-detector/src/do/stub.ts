import type { AuthContext } from "@atomic-guide/shared";

/** The learner's detector: one object per tenant and learner (see StruggleDetectorDO for why). */
export function detectorFor(env: Env, auth: Pick<AuthContext, "tenantId" | "userId">) {
  // Tenant ids are slugs without ":", so the name cannot collide across tenants.
  return env.STRUGGLE_DETECTOR.get(env.STRUGGLE_DETECTOR.idFromName(`${auth.tenantId}:${auth.userId}`));
}
