import { type IRequest, IttyRouter } from "itty-router";
import { type FeatureFlag, requireFeature } from "./flags";
import type { HandlerContext } from "./http";

/**
 * A backend service's router, with every /api and /ws route refused (403 feature_disabled) for
 * a tenant whose `feature` flag is off. The gateway already refused such a tenant; the service
 * checks again so the flag holds whatever path a request took.
 */
export function featureGatedRouter<E>(feature: FeatureFlag) {
  const router = IttyRouter<IRequest, [E, ExecutionContext, HandlerContext]>();
  router.all("/api/*", (request) => requireFeature(request, feature));
  router.all("/ws/*", (request) => requireFeature(request, feature));
  return router;
}
