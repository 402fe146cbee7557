import type { AuthContext } from "@atomic-guide/shared";
import type { LearnerGate } from "../chat/learner-gate";
import type { ConversationOwner } from "./chat-conversation";

/** One per learner: `<tenantId>:<userId>`. */
export const learnerStub = (env: Env, auth: Pick<AuthContext, "tenantId" | "userId">) =>
  env.CHAT_LEARNERS.get(env.CHAT_LEARNERS.idFromName(`${auth.tenantId}:${auth.userId}`));

/** One per conversation: `<tenantId>:<conversationId>`. */
export const conversationStub = (env: Env, tenantId: string, conversationId: string) =>
  env.CHAT_CONVERSATIONS.get(env.CHAT_CONVERSATIONS.idFromName(`${tenantId}:${conversationId}`));

/** One per tenant: the tenant's daily token counter. */
export const tenantBudgetStub = (env: Env, tenantId: string) =>
  env.CHAT_TENANT_BUDGETS.get(env.CHAT_TENANT_BUDGETS.idFromName(tenantId));

/** The identity a conversation object checks on every call. */
export const conversationOwner = (auth: AuthContext): ConversationOwner => ({
  tenantId: auth.tenantId,
  userId: auth.userId,
  d1Binding: auth.d1Binding,
});

/** The learner's Durable Object seen from a Worker, as the turn pipeline uses it. */
export function learnerGate(env: Env, auth: AuthContext): LearnerGate {
  const stub = learnerStub(env, auth);
  return {
    admit: (request) => stub.admit(request),
    reserve: (request) => stub.reserve(request),
    settle: (request) => stub.settle(request),
    cancelAdmission: (request) => stub.cancelAdmission(request),
  };
}
