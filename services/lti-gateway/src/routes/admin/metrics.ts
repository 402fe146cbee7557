import type { GatewayRouter } from "../router";

/** /admin/metrics (answered by analytics over RPC) */
export function registerMetricsAdminRoutes(_router: GatewayRouter): void {}
