import type { RouteMetrics } from "@atomic-guide/shared";
import { METRIC_SERVICES } from "@atomic-guide/shared/metrics/schema";
import { type AnalyticsTenant, analyticsDbFor, metricsDb } from "../db/access";
import { metricsReads } from "../db/metrics-queries";
import { insightReads } from "../db/queries";
import { summarizeRoutes } from "./report";
import { minuteOf } from "./rollup";
import { metricsBufferFor } from "./sink";
import type { Window } from "./window";

export interface TenantOverview {
  tenantId: string;
  from: string;
  to: string;
  usage: { events: Record<string, { events: number; learners: number }> };
  /** Per service: requests, 5xx errors, error rate and latency for this tenant. */
  services: Record<
    string,
    { requests: number; errors: number; errorRate: number; worstRouteP95Ms: number; status: "ok" | "degraded" }
  >;
  routes: RouteMetrics[];
}

/** A service is `degraded` for the tenant when more than 5% of its requests failed in the window. */
const DEGRADED_ERROR_RATE = 0.05;

/** Usage comes from the tenant's database, request figures from the shared metrics rollups. */
export async function tenantOverview(env: Env, tenant: AnalyticsTenant, window: Window): Promise<TenantOverview> {
  const { tenantId } = tenant;
  const { db } = metricsDb(env);
  const learnerData = analyticsDbFor(env, tenant).db;
  const from = minuteOf(window.from);
  const to = minuteOf(window.to);
  const [rollups, events, ...open] = await Promise.all([
    metricsReads.routeRollups(db, "tenant_id", tenantId, from, to).execute(),
    insightReads.tenantEventCounts(learnerData, tenantId, window.from, window.to).execute(),
    // What the buffers hold has not reached the rollups yet.
    ...METRIC_SERVICES.map((service) =>
      metricsBufferFor(env, service)
        .openRollups(from, to, tenantId)
        .then((r) => r.requests.filter((row) => row.tenant_id === tenantId))
        .catch(() => []),
    ),
  ]);
  const routes = summarizeRoutes([...rollups, ...open.flat()]);
  const services: TenantOverview["services"] = {};
  for (const route of routes) {
    const s = services[route.service] ?? { requests: 0, errors: 0, errorRate: 0, worstRouteP95Ms: 0, status: "ok" };
    s.requests += route.count;
    s.errors += route.errors;
    s.worstRouteP95Ms = Math.max(s.worstRouteP95Ms, route.p95Ms);
    s.errorRate = s.requests > 0 ? Math.round((s.errors / s.requests) * 10_000) / 10_000 : 0;
    s.status = s.errorRate > DEGRADED_ERROR_RATE ? "degraded" : "ok";
    services[route.service] = s;
  }
  return {
    tenantId,
    from: window.from,
    to: window.to,
    usage: {
      events: Object.fromEntries(
        events.map((e) => [e.type, { events: Number(e.events), learners: Number(e.learners) }]),
      ),
    },
    services,
    routes,
  };
}
