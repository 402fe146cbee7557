import {
  type AuthContext,
  authContextFrom,
  decodePathParam,
  forbidden,
  type HandlerContext,
  json,
  notFound,
  nowIso,
  parseJsonBody,
  tenantDb,
} from "@atomic-guide/shared";
import type { IRequest, RouterType } from "itty-router";
import type { StruggleDb } from "../db/schema";
import { forgetCourseConfig } from "../detection/config-cache";
import { loadTenantConfig } from "../detection/thresholds";
import { SERVICE } from "../service";
import { recordSettingsChange } from "../settings/audit";
import {
  type CourseSettings,
  CourseSettingsSchema,
  courseSettingsKey,
  readCourseSettings,
  type StoredCourseSettings,
  settingsOf,
} from "../settings/course-settings";

const PATH = "/api/courses/:contextId/guide-settings";

/** Only the instructors of the course the caller launched from; another course is as missing. */
function instructorOf(request: IRequest): { auth: AuthContext; contextId: string } {
  const auth = authContextFrom(request);
  const contextId = decodePathParam(request.params.contextId);
  if (!auth.contextId || auth.contextId !== contextId) throw notFound("No such course.");
  if (!auth.isInstructor)
    throw forbidden("instructor_only", "Only the course's instructors can change its guide settings.");
  return { auth, contextId };
}

const publicSettings = (s: CourseSettings, updatedAt: string | null) => ({
  sensitivity: s.sensitivity,
  cooldownMinutes: s.cooldownMinutes,
  dailyCap: s.dailyCap,
  allowedInterventions: s.allowedInterventions,
  updatedAt,
});

const withoutStamp = ({ updatedAt: _at, updatedBy: _by, ...s }: StoredCourseSettings): CourseSettings => s;

export function addCourseSettingsRoutes(router: RouterType<IRequest, [Env, ExecutionContext, HandlerContext]>) {
  router.get(PATH, async (request, env: Env) => {
    const { auth, contextId } = instructorOf(request);
    const stored = await readCourseSettings(env.TENANT_CONFIG, auth.tenantId, contextId);
    if (stored) return json(publicSettings(withoutStamp(stored), stored.updatedAt));
    const { config } = await loadTenantConfig(env.TENANT_CONFIG, auth.tenantId);
    return json(publicSettings(settingsOf(config), null));
  });

  router.put(PATH, async (request, env: Env) => {
    const { auth, contextId } = instructorOf(request);
    const settings = await parseJsonBody(request, CourseSettingsSchema);
    const before = await readCourseSettings(env.TENANT_CONFIG, auth.tenantId, contextId);
    const updatedAt = nowIso();
    // Audited before it takes effect: a change nobody can account for never applies.
    const tdb = tenantDb<StruggleDb>(env, { tenantId: auth.tenantId, service: SERVICE, d1Binding: auth.d1Binding });
    await recordSettingsChange(tdb, {
      contextId,
      changedBy: auth.userId,
      changedAt: updatedAt,
      before: before ? withoutStamp(before) : undefined,
      after: settings,
    });
    const stored: StoredCourseSettings = { ...settings, updatedAt, updatedBy: auth.userId };
    await env.TENANT_CONFIG.put(courseSettingsKey(auth.tenantId, contextId), JSON.stringify(stored));
    forgetCourseConfig(auth.tenantId, contextId);
    return json(publicSettings(settings, updatedAt));
  });
}
