import {
  type AuthContext,
  AuthContextSchema,
  type ChatRpc,
  type FaqEntryView,
  type FaqInput,
  FaqInputSchema,
  FaqListQuerySchema,
  type FaqTenant,
  FaqTenantSchema,
  IdSchema,
  type LearnerProfile,
  LearnerProfileSchema,
  type LearnerRetentionRpc,
  parseWith,
  type RetentionSweep,
  RetentionSweepSchema,
  requireFeatureFor,
  type SocketPolicyChange,
  type SocketPolicyRpc,
  type SuggestRequest,
  SuggestRequestSchema,
  type SuggestResult,
  type TenantDataRef,
  TenantDataRefSchema,
  type TenantDataRemoval,
  type TenantDataRpc,
} from "@atomic-guide/shared";
import { serviceEntrypoint } from "@atomic-guide/shared/service-entrypoint";
import { storeAndFanOutSocketPolicy } from "@atomic-guide/shared/socket-directory";
import { createFaq, deleteFaq, listFaq, updateFaq } from "./chat/faq-admin";
import { eraseLearnerData, exportLearnerData } from "./chat/privacy";
import { suggestFor } from "./chat/proactive-suggestion";
import { learnerStub } from "./do/stubs";
import { tenantSocketsStub } from "./do/tenant-sockets";
import { router } from "./routes";
import { eraseTenantData } from "./tenant-data/erase-tenant";
import { sweepExpiredConversations } from "./tenant-data/retention-sweep";

export { ChatConversationDO } from "./do/chat-conversation";
export { ChatLearnerDO } from "./do/chat-learner";
export { ChatTenantBudgetDO } from "./do/tenant-budget";
export { TenantSocketsDO } from "./do/tenant-sockets";

/** Reached only over service bindings: `fetch` for forwarded /api and /ws, RPC for the rest. */
export default class ChatService
  extends serviceEntrypoint({
    service: "chat",
    router,
    rpcOverFetch: [
      "suggest",
      "updateLearnerProfile",
      "exportLearner",
      "eraseLearner",
      "eraseTenant",
      "sweepExpiredLearnerData",
    ],
    healthObject: (env: Env) => env.CHAT_CONVERSATIONS,
  })
  implements ChatRpc, TenantDataRpc, LearnerRetentionRpc, SocketPolicyRpc
{
  async suggest(auth: AuthContext, request: SuggestRequest): Promise<SuggestResult> {
    const caller = parseWith(AuthContextSchema, auth);
    // The flag holds on RPC too: struggle-detector must not get an offer for a tenant with chat off.
    requireFeatureFor(caller, "chat");
    return suggestFor(this.env, caller, parseWith(SuggestRequestSchema, request));
  }

  async updateLearnerProfile(auth: AuthContext, profile: LearnerProfile): Promise<{ stored: boolean }> {
    const caller = parseWith(AuthContextSchema, auth);
    return learnerStub(this.env, caller).setProfile(parseWith(LearnerProfileSchema, profile));
  }

  async exportLearner(auth: AuthContext): Promise<unknown> {
    return exportLearnerData(this.env, parseWith(AuthContextSchema, auth));
  }

  async eraseLearner(auth: AuthContext): Promise<{ deleted: number }> {
    return eraseLearnerData(this.env, parseWith(AuthContextSchema, auth));
  }

  /** Offboarding (POST /admin/tenants/:tenantId/offboard): bounded per call, repeated until done. */
  async eraseTenant(ref: TenantDataRef): Promise<TenantDataRemoval> {
    return eraseTenantData(this.env, parseWith(TenantDataRefSchema, ref));
  }

  /** The gateway's daily retention job, once per tenant with the tenant's period. */
  async sweepExpiredLearnerData(sweep: RetentionSweep): Promise<TenantDataRemoval> {
    return sweepExpiredConversations(this.env, parseWith(RetentionSweepSchema, sweep));
  }

  /** From the gateway: a flag or revocation that must reach open /ws/chat sockets (closed at once through the tenant's socket directory; the alarm is the backstop). */
  async socketPolicyChanged(change: SocketPolicyChange): Promise<{ stored: true; rechecked: number }> {
    return storeAndFanOutSocketPolicy(this.env.KNOWLEDGE, (tenantId) => tenantSocketsStub(this.env, tenantId), change);
  }

  async listFaq(tenant: FaqTenant, query: { courseId?: string }): Promise<{ entries: FaqEntryView[] }> {
    return listFaq(this.env, parseWith(FaqTenantSchema, tenant), parseWith(FaqListQuerySchema, query).courseId);
  }

  async createFaq(tenant: FaqTenant, input: FaqInput): Promise<FaqEntryView> {
    return createFaq(this.env, parseWith(FaqTenantSchema, tenant), parseWith(FaqInputSchema, input));
  }

  async updateFaq(tenant: FaqTenant, faqId: string, input: FaqInput): Promise<FaqEntryView> {
    return updateFaq(
      this.env,
      parseWith(FaqTenantSchema, tenant),
      parseWith(IdSchema, faqId),
      parseWith(FaqInputSchema, input),
    );
  }

  async deleteFaq(tenant: FaqTenant, faqId: string): Promise<{ deleted: true }> {
    return deleteFaq(this.env, parseWith(FaqTenantSchema, tenant), parseWith(IdSchema, faqId));
  }
}
