import { type ServiceHealth, serviceHealth } from "./health";
import { type HandlerContext, handleWithEnvelope } from "./http";
import type { MetricsSink } from "./metrics/recorder";
import type { ServiceName } from "./service-names";

/** How every service's router is called (itty-router's `fetch` with the handler context last). */
export interface ServiceRouter<E> {
  fetch(request: Request, env: E, ctx: ExecutionContext, hctx: HandlerContext): Promise<Response>;
}

/**
 * The whole of a Worker's `fetch`: its router behind the error envelope, the request id and the
 * request metrics. `metrics` replaces the ANALYTICS binding (analytics records into itself).
 */
export function serveWithRouter<E extends object>(
  service: ServiceName,
  router: ServiceRouter<E>,
  request: Request,
  worker: { env: E; ctx: ExecutionContext; metrics?: MetricsSink; trustAuthHeader?: boolean },
): Promise<Response> {
  return handleWithEnvelope(service, request, worker, (hctx) => router.fetch(request, worker.env, worker.ctx, hctx));
}

/** A Durable Object that answers the health round trip. */
export interface Pingable extends Rpc.DurableObjectBranded {
  ping(): Promise<unknown>;
}

/** The bindings every service's health report reads. */
export interface HealthBindings {
  DB: D1Database;
  SNAPSHOTS: KVNamespace;
  CF_VERSION_METADATA?: WorkerVersionMetadata;
}

/**
 * A service's health RPC: its D1 (behind fault injection), its KV, and a round trip to the
 * instance named "health" of one of its Durable Objects, so a health check never wakes a learner's.
 */
export function backendHealth<T extends Pingable>(
  service: ServiceName,
  env: HealthBindings,
  durableObject: DurableObjectNamespace<T>,
): Promise<ServiceHealth> {
  return serviceHealth({
    service,
    env,
    db: env.DB,
    kv: env.SNAPSHOTS,
    pingDurableObject: () => durableObject.get(durableObject.idFromName("health")).ping(),
    version: env.CF_VERSION_METADATA?.id,
  });
}
