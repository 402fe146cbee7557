import { boundD1Bindings, serviceDb, tenantDb } from "@atomic-guide/shared";
import { planCompiler } from "@atomic-guide/shared/metrics/query-plan";
import type { AnalyticsDatabase, Db } from "./schema";

/** Whose learner data a query is about: an AuthContext, or a learning event's tenant fields. */
export interface AnalyticsTenant {
  tenantId: string;
  /** The tenant's dedicated database (tenant record); absent means the shared `DB`. */
  d1Binding?: string | undefined;
}

/**
 * A tenant's learner data (learning_events, course_roster, audit_log) lives in the tenant's
 * database, like its rows in chat and struggle-detector: a tenant moved to its own D1 has
 * nothing of its learners left in the shared one. Every query still filters by tenant_id.
 */
export const analyticsDbFor = (env: Env, tenant: AnalyticsTenant) =>
  tenantDb<AnalyticsDatabase>(env, { tenantId: tenant.tenantId, service: "analytics", d1Binding: tenant.d1Binding });

/**
 * Operator-wide metrics (request and query samples, rollups, dropped counts) stay in the
 * service's shared `DB` for every tenant: they are cross-tenant by nature (/admin/metrics), name
 * no learner, and the metrics buffer writes them in batches that mix tenants.
 */
export const metricsDb = (env: Env) => serviceDb<AnalyticsDatabase>(env, "analytics");

/** Every database the Worker binds, shared first: for sweeps that are no one tenant's (retention). */
export const everyAnalyticsDb = (env: Env) =>
  boundD1Bindings(env).map((binding) => ({ binding, ...serviceDb<AnalyticsDatabase>(env, "analytics", binding) }));

/** Compiles without a connection: for statements a Durable Object batches itself, and for the gate. */
export const compileOnly: Db = planCompiler<AnalyticsDatabase>();
