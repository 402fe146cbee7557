import type { ServiceHealth } from "../health";

/**
 * The RPC surface every internal service offers over its service binding. Each service's
 * entrypoint declares `implements` of its contract (rpc/<service>.ts) so the compiler holds
 * both sides to one definition; callers type their binding as `RpcBinding<...>`. Arguments are
 * plain data and are validated with valibot on arrival. Keep changes expand/contract: during a
 * rollout old callers meet new callees and the reverse.
 */
export interface ServiceRpc {
  health(): Promise<ServiceHealth>;
}

/** A service binding seen through its RPC contract; `fetch` stays available for forwarded requests. */
export type RpcBinding<T extends ServiceRpc> = Fetcher & T;
