import { serviceDb } from "@atomic-guide/shared";
import type { AnalyticsDatabase } from "./schema";

/**
 * Analytics keeps one database: operator metrics are cross-tenant by nature, and learner data
 * in it is always filtered by tenant_id (every tenant-facing query leads with it).
 */
export const analyticsDb = (env: Env) => serviceDb<AnalyticsDatabase>(env, "analytics");
