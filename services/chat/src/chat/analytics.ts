import type { AnalyticsRpc, AuthContext, LearningEvent, RpcBinding } from "@atomic-guide/shared";
import { pinnedBinding } from "@atomic-guide/shared/rpc/version-pins";

/** Best effort: callers catch, so analytics being down never fails a chat turn. A pinned tenant's events reach its candidate. */
export async function sendChatEvent(env: Env, auth: AuthContext, event: LearningEvent): Promise<void> {
  const analytics = pinnedBinding<RpcBinding<AnalyticsRpc>>(env.ANALYTICS, "analytics", auth, env.ENVIRONMENT);
  await analytics.recordLearningEvents([event]);
}
