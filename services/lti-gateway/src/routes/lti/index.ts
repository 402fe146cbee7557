import type { GatewayRouter } from "../router";

/** /lti/* and /.well-known/*: login, launch, deep linking, JWKS, registration, config. */
export function registerLtiRoutes(_router: GatewayRouter): void {}
