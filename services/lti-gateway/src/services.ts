import type { AnalyticsRpc, ChatRpc, RpcBinding, StruggleDetectorRpc } from "@atomic-guide/shared";
import { pinnedBinding, type VersionPins } from "@atomic-guide/shared/rpc/version-pins";

/** The three internal services, typed by their RPC contracts. */
export function services(env: Env) {
  return {
    chat: env.CHAT as RpcBinding<ChatRpc>,
    struggleDetector: env.STRUGGLE_DETECTOR as RpcBinding<StruggleDetectorRpc>,
    analytics: env.ANALYTICS as RpcBinding<AnalyticsRpc>,
  };
}

/**
 * The three services for one tenant's calls: a pinned tenant's calls reach the candidate
 * versions it is pinned to (over fetch with the version override), everyone else's go by RPC.
 */
export function servicesFor(env: Env, caller: { tenantId: string; pins?: VersionPins | undefined }) {
  return {
    chat: pinnedBinding<RpcBinding<ChatRpc>>(env.CHAT, "chat", caller, env.ENVIRONMENT),
    struggleDetector: pinnedBinding<RpcBinding<StruggleDetectorRpc>>(
      env.STRUGGLE_DETECTOR,
      "struggle-detector",
      caller,
      env.ENVIRONMENT,
    ),
    analytics: pinnedBinding<RpcBinding<AnalyticsRpc>>(env.ANALYTICS, "analytics", caller, env.ENVIRONMENT),
  };
}
