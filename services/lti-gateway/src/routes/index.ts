import { notFound } from "@atomic-guide/shared";
import { IttyRouter } from "itty-router";
import { registerDevRoutes } from "../dev";
import { limitAnonymous } from "../limits/anonymous";
import { withLtiErrorPage } from "../lti/errors";
import { registerAdminRoutes } from "./admin";
import { registerApiRoutes } from "./api";
import { registerAppAssetRoutes } from "./app-assets";
import { systemHealth } from "./health";
import { registerLtiRoutes } from "./lti";
import type { GatewayRouter } from "./router";

export const router: GatewayRouter = IttyRouter();

// First: the anonymous routes' per-IP limits (the /api limit needs the verified caller; see auth/caller.ts).
router.all("*", (request, env) => limitAnonymous(request, env));

router.get("/health", (_req, env) => systemHealth(env));
registerLtiRoutes(router);
registerAdminRoutes(router);
registerApiRoutes(router);
registerDevRoutes(router);
registerAppAssetRoutes(router);

router.all("*", (request) => {
  // Under /lti/ the answer is the error page, as on every LTI route (the LMS iframe shows it).
  if (new URL(request.url).pathname.startsWith("/lti/")) {
    return withLtiErrorPage(() => Promise.reject(notFound("No such route.")));
  }
  throw notFound("No such route.");
});
