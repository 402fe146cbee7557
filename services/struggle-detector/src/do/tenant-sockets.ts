import { tenantSocketDirectory } from "@atomic-guide/shared/socket-directory";

/** One per tenant: the StruggleDetectorDOs with open /ws/signals sockets (packages/shared socket-directory). */
export class TenantSocketsDO extends tenantSocketDirectory<Env>((env) => env.STRUGGLE_DETECTOR) {}

export const tenantSocketsStub = (env: Env, tenantId: string) =>
  env.TENANT_SOCKETS.get(env.TENANT_SOCKETS.idFromName(tenantId));
