import type { AnalyticsRpc, LearningEvent, RpcBinding } from "@atomic-guide/shared";

/** Best effort: callers catch, so analytics being down never fails a chat turn. */
export async function sendChatEvent(env: Env, event: LearningEvent): Promise<void> {
  const analytics = env.ANALYTICS as RpcBinding<AnalyticsRpc>;
  await analytics.recordLearningEvents([event]);
}
