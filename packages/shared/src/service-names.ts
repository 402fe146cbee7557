/**
 * The four Workers, the gateway first. Every list of services in TypeScript (health, metrics,
 * faults, test and bench machinery) is this one; the Node scripts' copy in scripts/lib.mjs is
 * held equal to it by service-names.test.ts.
 */
export const SERVICE_NAMES = ["lti-gateway", "chat", "struggle-detector", "analytics"] as const;
export type ServiceName = (typeof SERVICE_NAMES)[number];

/** The services behind the gateway: reached only over its service bindings, never from outside. */
export const BACKEND_SERVICES = ["chat", "struggle-detector", "analytics"] as const satisfies readonly ServiceName[];
export type BackendService = (typeof BACKEND_SERVICES)[number];
