import { IsolateCache } from "@atomic-guide/shared/isolate-cache";
import { applyCourseSettings, readCourseSettings } from "../settings/course-settings";
import { type DetectorConfig, loadTenantConfig } from "./thresholds";

/** The tenant's detector config is re-read this often, so an operator's override applies within a minute. */
export const CONFIG_TTL_MS = 60_000;
/** Courses kept per isolate; the oldest read goes first. */
const MAX_COURSES = 1000;

/**
 * Per isolate, shared by every learner object of the course that runs in it: each object used
 * to read the tenant's thresholds and the course's settings from KV for its own first batch, so
 * every new learner paid two KV reads. Now it is one pair per course per isolate per minute,
 * the staleness each object accepted before. The isolate that saves a course's settings drops
 * its copy at once (`forgetCourseConfig`); others follow within the TTL.
 */
export const detectorConfigCache = (now?: () => number) =>
  new IsolateCache<DetectorConfig>({ ttlMs: CONFIG_TTL_MS, maxKeys: MAX_COURSES, ...(now ? { now } : {}) });
const configs = detectorConfigCache();

/** A key per tenant and course; `tenantPrefix` is how every key of the tenant starts. */
const configKey = (tenantId: string, contextId: string | undefined) => JSON.stringify([tenantId, contextId ?? null]);
const tenantPrefix = (tenantId: string) => `${JSON.stringify([tenantId]).slice(0, -1)},`;

/** The tenant's config with the course's instructor settings on top. */
export function detectorConfigFor(
  kv: KVNamespace,
  tenantId: string,
  contextId: string | undefined,
  onRejected: (reason: string) => void,
  cache: IsolateCache<DetectorConfig> = configs,
): Promise<DetectorConfig> {
  return cache.getOrLoad(configKey(tenantId, contextId), async () => {
    const [{ config, error }, course] = await Promise.all([
      loadTenantConfig(kv, tenantId),
      contextId ? readCourseSettings(kv, tenantId, contextId) : undefined,
    ]);
    if (error) onRejected(error);
    return course ? applyCourseSettings(config, course) : config;
  });
}

/** After this isolate saved a course's settings: its next batch reads them. */
export const forgetCourseConfig = (tenantId: string, contextId: string, cache = configs) =>
  cache.delete(configKey(tenantId, contextId));

/** After this isolate erased a tenant's settings. */
export const forgetTenantConfig = (tenantId: string, cache = configs) => cache.deletePrefix(tenantPrefix(tenantId));
