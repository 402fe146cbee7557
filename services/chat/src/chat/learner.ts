import type { AuthContext } from "@atomic-guide/shared";
import type { LearnerGate } from "./turn";

export const learnerStub = (env: Env, auth: Pick<AuthContext, "tenantId" | "userId">) =>
  env.CHAT_LEARNERS.get(env.CHAT_LEARNERS.idFromName(`${auth.tenantId}:${auth.userId}`));

/** The learner's Durable Object seen from a Worker, as the turn pipeline uses it. */
export function learnerGate(env: Env, auth: AuthContext): LearnerGate {
  const stub = learnerStub(env, auth);
  return {
    admit: (request) => stub.admit(request),
    recordUsage: (request) => stub.recordUsage(request),
    cancelAdmission: (request) => stub.cancelAdmission(request),
  };
}

export const conversationStubFor = (env: Env, tenantId: string, conversationId: string) =>
  env.CHAT_CONVERSATIONS.get(env.CHAT_CONVERSATIONS.idFromName(`${tenantId}:${conversationId}`));
