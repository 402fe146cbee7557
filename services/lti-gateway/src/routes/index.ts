import { notFound } from "@atomic-guide/shared";
import { IttyRouter } from "itty-router";
import { registerDevRoutes } from "../dev";
import { registerAdminRoutes } from "./admin";
import { registerApiRoutes } from "./api";
import { systemHealth } from "./health";
import { registerLtiRoutes } from "./lti";
import type { GatewayRouter } from "./router";

export const router: GatewayRouter = IttyRouter();

router.get("/health", (_req, env) => systemHealth(env));
registerLtiRoutes(router);
registerAdminRoutes(router);
registerApiRoutes(router);
registerDevRoutes(router);

router.all("*", () => {
  throw notFound("No such route.");
});
