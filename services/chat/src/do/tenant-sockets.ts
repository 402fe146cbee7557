import { tenantSocketDirectory } from "@atomic-guide/shared/socket-directory";

/** One per tenant: the ChatLearnerDOs with open /ws/chat sockets (packages/shared socket-directory). */
export class TenantSocketsDO extends tenantSocketDirectory<Env>((env) => env.CHAT_LEARNERS) {}

export const tenantSocketsStub = (env: Env, tenantId: string) =>
  env.TENANT_SOCKETS.get(env.TENANT_SOCKETS.idFromName(tenantId));
