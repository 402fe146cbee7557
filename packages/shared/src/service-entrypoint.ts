import { WorkerEntrypoint } from "cloudflare:workers";
import { backendHealth, type HealthBindings, type Pingable, type ServiceRouter, serveWithRouter } from "./entrypoint";
import type { ServiceHealth } from "./health";
import type { MetricsSink } from "./metrics/recorder";
import { controlD1Faults, type D1FaultControlRpc, type D1FaultState } from "./resilience/d1-faults";
import { serveRpcOverFetch } from "./rpc/over-fetch";
import type { ServiceName } from "./service-names";

/** What tells one backend service's entrypoint from another's. */
export interface ServiceEntrypointConfig<E, T extends Pingable> {
  service: ServiceName;
  router: ServiceRouter<E>;
  /**
   * The RPC methods a pinned tenant's caller reaches through `fetch`, the only path that carries
   * a version override (rpc/over-fetch.ts).
   */
  rpcOverFetch: readonly string[];
  /** The namespace whose "health" instance the health RPC pings. */
  healthObject: (env: E) => DurableObjectNamespace<T>;
  /** Where request metrics go instead of env.ANALYTICS (analytics records into itself). */
  metrics?: (env: E) => MetricsSink;
}

/**
 * The base class of a backend service's default export, reached only over service bindings:
 * `fetch` for forwarded /api and /ws and for RPC over fetch, plus the `health` and
 * `controlD1Faults` RPC every service answers alike. The service adds its own RPC methods.
 * The config is held by the closure, not by instance fields, so nothing of it is reachable over RPC.
 */
export function serviceEntrypoint<E extends HealthBindings, T extends Pingable>(config: ServiceEntrypointConfig<E, T>) {
  return class ServiceEntrypoint extends WorkerEntrypoint<E> implements D1FaultControlRpc {
    override async fetch(request: Request): Promise<Response> {
      const rpc = await serveRpcOverFetch(request, this, config.rpcOverFetch);
      if (rpc) return rpc;
      return serveWithRouter(config.service, config.router, request, {
        env: this.env,
        ctx: this.ctx,
        ...(config.metrics ? { metrics: config.metrics(this.env) } : {}),
      });
    }

    async health(): Promise<ServiceHealth> {
      return backendHealth(config.service, this.env, config.healthObject(this.env));
    }

    /** Development and test only (404 elsewhere): the gateway's /admin/faults steers this service's D1. */
    async controlD1Faults(command?: unknown): Promise<D1FaultState> {
      return controlD1Faults(this.env, config.service, command);
    }
  };
}
