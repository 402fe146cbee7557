import type { GatewayRouter } from "../router";
import { requireAdmin } from "./auth";
import { registerFaqAdminRoutes } from "./faq";
import { registerFaultAdminRoutes } from "./faults";
import { registerKeyAdminRoutes } from "./keys";
import { registerMetricsAdminRoutes } from "./metrics";
import { registerPlatformAdminRoutes } from "./platforms";
import { registerRolloutAdminRoutes } from "./rollout";
import { registerTenantLifecycleRoutes } from "./tenant-lifecycle";
import { registerTenantRetentionRoutes } from "./tenant-retention";
import { registerTenantAdminRoutes } from "./tenants";

/** /admin/*: every route requires the operator token before anything else happens. */
export function registerAdminRoutes(router: GatewayRouter): void {
  router.all("/admin/*", async (request, env) => {
    await requireAdmin(request, env);
  });
  registerPlatformAdminRoutes(router);
  registerKeyAdminRoutes(router);
  registerTenantAdminRoutes(router);
  registerTenantLifecycleRoutes(router);
  registerTenantRetentionRoutes(router);
  registerFaqAdminRoutes(router);
  registerRolloutAdminRoutes(router);
  registerMetricsAdminRoutes(router);
  registerFaultAdminRoutes(router);
}
