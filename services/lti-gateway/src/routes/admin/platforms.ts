import type { GatewayRouter } from "../router";

/** /admin/platforms (manual registration, list, activate) */
export function registerPlatformAdminRoutes(_router: GatewayRouter): void {}
