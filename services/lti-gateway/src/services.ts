import type { AnalyticsRpc, ChatRpc, RpcBinding, StruggleDetectorRpc } from "@atomic-guide/shared";

/** The three internal services, typed by their RPC contracts. */
export function services(env: Env) {
  return {
    chat: env.CHAT as RpcBinding<ChatRpc>,
    struggleDetector: env.STRUGGLE_DETECTOR as RpcBinding<StruggleDetectorRpc>,
    analytics: env.ANALYTICS as RpcBinding<AnalyticsRpc>,
  };
}
