import type { AnalyticsRpc, BackendService, ChatRpc, RpcBinding, StruggleDetectorRpc } from "@atomic-guide/shared";

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
