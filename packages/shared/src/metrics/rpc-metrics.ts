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
