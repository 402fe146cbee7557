import type { ServiceHealth } from "./health";

/**
 * The RPC surface each internal service offers over its service binding. Services declare
 * `implements` on their entrypoint so the compiler holds both sides to one contract; callers
 * type their binding as `RpcBinding<...>`. Arguments are plain data and are validated with
 * valibot on the receiving side. Keep changes expand/contract: during a rollout old callers
 * meet new callees and the reverse.
 */
export interface ServiceRpc {
  health(): Promise<ServiceHealth>;
}

export interface ChatRpc extends ServiceRpc {}
export interface StruggleDetectorRpc extends ServiceRpc {}
export interface AnalyticsRpc extends ServiceRpc {}

/** A service binding seen through its RPC contract; `fetch` stays available for forwarded requests. */
export type RpcBinding<T extends ServiceRpc> = Fetcher & T;
