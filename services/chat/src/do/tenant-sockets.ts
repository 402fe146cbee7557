import type { SocketPolicy } from "@atomic-guide/shared";
import { TenantSocketDirectory } from "@atomic-guide/shared/socket-directory";

/** One per tenant: the ChatLearnerDOs with open /ws/chat sockets (packages/shared socket-directory). */
export class TenantSocketsDO extends TenantSocketDirectory<Env> {
  protected recheckObject(objectId: string, policy: SocketPolicy) {
    const learners = this.env.CHAT_LEARNERS;
    return learners.get(learners.idFromString(objectId)).recheckSockets(policy);
  }
}

export const tenantSocketsStub = (env: Env, tenantId: string) =>
  env.TENANT_SOCKETS.get(env.TENANT_SOCKETS.idFromName(tenantId));
