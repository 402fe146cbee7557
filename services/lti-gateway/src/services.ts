import type { AnalyticsRpc, BackendService, ChatRpc, RpcBinding, StruggleDetectorRpc } from "@atomic-guide/shared";
import { pinnedBinding, type VersionPins } from "@atomic-guide/shared/rpc/version-pins";

/** The three internal services, typed by their RPC contracts. */
export function services(env: Env) {
  return {
    chat: env.CHAT as RpcBinding<ChatRpc>,
    struggleDetector: env.STRUGGLE_DETECTOR as RpcBinding<StruggleDetectorRpc>,
    analytics: env.ANALYTICS as RpcBinding<AnalyticsRpc>,
  };
}

/** The raw service binding of one backend service, for fetch forwarding and pinned RPC. */
export function bindingOf(env: Env, service: BackendService): Fetcher {
  switch (service) {
    case "chat":
      return env.CHAT;
    case "struggle-detector":
      return env.STRUGGLE_DETECTOR;
    case "analytics":
      return env.ANALYTICS;
  }
}

/**
 * The three services for one tenant's calls: a pinned tenant's calls reach the candidate
 * versions it is pinned to (over fetch with the version override), everyone else's go by RPC.
 */
export function servicesFor(env: Env, caller: { tenantId: string; pins?: VersionPins | undefined }) {
  const pinned = <T extends object>(service: BackendService) =>
    pinnedBinding<T>(bindingOf(env, service), service, caller, env.ENVIRONMENT);
  return {
    chat: pinned<RpcBinding<ChatRpc>>("chat"),
    struggleDetector: pinned<RpcBinding<StruggleDetectorRpc>>("struggle-detector"),
    analytics: pinned<RpcBinding<AnalyticsRpc>>("analytics"),
  };
}
