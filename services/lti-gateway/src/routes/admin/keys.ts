import type { GatewayRouter } from "../router";

/** /admin/keys/rotate */
export function registerKeyAdminRoutes(_router: GatewayRouter): void {}
