import { flushMetrics, type MetricsWorker, recordSample } from "./recorder";
import { beginRequestScope, endRequestScope } from "./request-scope";
import type { MetricService } from "./schema";

const TENANT = /^[a-z0-9][a-z0-9-]{0,62}$/;

function statusOf(e: unknown): number {
  const status = (e as { status?: unknown } | null)?.status;
  return typeof status === "number" && status >= 400 && status < 600 ? status : 500;
}

/**
 * Measures one RPC method served by a service's entrypoint, like handleWithEnvelope does for
 * fetch: recorded under route `rpc:<method>` with method `RPC`, status 200 or the error's
 * status, then flushed through `waitUntil`. Errors pass through unchanged.
 *
 *   async suggest(auth, args) {
 *     return observeRpc("chat", "suggest", { env: this.env, ctx: this.ctx }, auth?.tenantId, () => ...);
 *   }
 */
export async function observeRpc<T>(
  service: MetricService,
  method: string,
  worker: MetricsWorker,
  tenantId: unknown,
  run: () => Promise<T>,
): Promise<T> {
  const started = performance.now();
  beginRequestScope();
  let status = 200;
  try {
    return await run();
  } catch (e) {
    status = statusOf(e);
    throw e;
  } finally {
    const d1Ms = endRequestScope();
    recordSample({
      kind: "request",
      service,
      route: `rpc:${method}`.slice(0, 200),
      method: "RPC",
      status,
      durationMs: Math.max(0, performance.now() - started),
      ...(d1Ms === undefined ? {} : { d1Ms }),
      ...(typeof tenantId === "string" && TENANT.test(tenantId) ? { tenantId } : {}),
      at: new Date().toISOString(),
    });
    flushMetrics(service, worker);
  }
}

/** Methods of a binding that are not RPC calls of the contract. */
const PASS_THROUGH = new Set<PropertyKey>(["fetch", "connect", "then", "constructor"]);

/**
 * The caller's view of RPC: wraps a service binding so every method call is recorded by the
 * calling service as route `call:<target>.<method>` (method `CALL`), with the tenant taken from
 * an AuthContext-like first argument. Samples go out with the caller's next flush.
 *
 *   const chat = withRpcMetrics(env.CHAT as RpcBinding<ChatRpc>, "struggle-detector", "chat");
 */
export function withRpcMetrics<T extends object>(binding: T, service: MetricService, target: string): T {
  return new Proxy(binding, {
    get(obj, prop) {
      const value: unknown = Reflect.get(obj, prop, obj);
      if (typeof value !== "function" || typeof prop !== "string" || PASS_THROUGH.has(prop)) {
        return typeof value === "function" ? value.bind(obj) : value;
      }
      return async (...args: unknown[]) => {
        const started = performance.now();
        let status = 200;
        try {
          return await Reflect.apply(value, obj, args);
        } catch (e) {
          status = statusOf(e);
          throw e;
        } finally {
          const tenantId = (args[0] as { tenantId?: unknown } | null | undefined)?.tenantId;
          recordSample({
            kind: "request",
            service,
            route: `call:${target}.${prop}`.slice(0, 200),
            method: "CALL",
            status,
            durationMs: Math.max(0, performance.now() - started),
            ...(typeof tenantId === "string" && TENANT.test(tenantId) ? { tenantId } : {}),
            at: new Date().toISOString(),
          });
        }
      };
    },
  });
}
