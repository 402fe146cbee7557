import { serviceDb } from "@atomic-guide/shared";
import { planCompiler } from "@atomic-guide/shared/metrics/query-plan";
import type { AnalyticsDatabase, Db } from "./schema";

/**
 * Analytics keeps one database: operator metrics are cross-tenant by nature, and learner data
 * in it is always filtered by tenant_id (every tenant-facing query leads with it).
 */
export const analyticsDb = (env: Env) => serviceDb<AnalyticsDatabase>(env, "analytics");

/** Compiles without a connection: for statements a Durable Object batches itself, and for the gate. */
export const compileOnly: Db = planCompiler<AnalyticsDatabase>();
