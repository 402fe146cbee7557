import type { GatewayRouter } from "../router";

/** /admin/tenants/:tenantId/flags */
export function registerTenantAdminRoutes(_router: GatewayRouter): void {}
