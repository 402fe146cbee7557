import type { GatewayRouter } from "../router";

/** /admin/rollout */
export function registerRolloutAdminRoutes(_router: GatewayRouter): void {}
