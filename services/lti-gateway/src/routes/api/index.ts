import type { GatewayRouter } from "../router";

/** /api/* and /ws/*: API token check, feature flags, forwarding to the owning service. */
export function registerApiRoutes(_router: GatewayRouter): void {}
