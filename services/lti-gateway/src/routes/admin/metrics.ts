import {
  type AnalyticsRpc,
  ApiError,
  isApiErrorLike,
  json,
  MetricsQuerySchema,
  parseQuery,
  type RpcBinding,
} from "@atomic-guide/shared";
import type { GatewayRouter } from "../router";

/** The part of analytics' RPC contract this route uses. */
type MetricsSource = RpcBinding<Pick<AnalyticsRpc, "getMetrics" | "health">>;

/**
 * GET /admin/metrics?service=&from=&to=: request metrics per service and route (count, errors,
 * p50/p95/p99), D1 query metrics per named query, the slowest queries, and samples dropped
 * while analytics was down. Answered by analytics over RPC; the operator token was checked by
 * the /admin/* guard.
 */
export function registerMetricsAdminRoutes(router: GatewayRouter): void {
  router.get("/admin/metrics", async (request, env) => {
    const query = parseQuery(new URL(request.url), MetricsQuerySchema);
    const analytics = env.ANALYTICS as MetricsSource;
    try {
      return json(await analytics.getMetrics(query));
    } catch (e) {
      // Validation failures (bad window) keep their code across RPC; anything else means analytics is down.
      if (isApiErrorLike(e) && e.status < 500) throw new ApiError(e.status, e.code, e.message);
      throw new ApiError(503, "analytics_unavailable", "Metrics are unavailable right now.", { "Retry-After": "30" });
    }
  });
}
