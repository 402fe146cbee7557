import {
  ApiError,
  authContextFrom,
  decodePathParam,
  forbidden,
  IdSchema,
  IsoTimestampSchema,
  json,
  notFound,
  parseQuery,
} from "@atomic-guide/shared";
import { HelpRequestsSchema } from "@atomic-guide/shared/help-requests";
import { readThrough, readThroughResponse } from "@atomic-guide/shared/resilience/fallback";
import { featureGatedRouter } from "@atomic-guide/shared/service-router";
import type { IRequest } from "itty-router";
import * as v from "valibot";
import { recordAuditEntry } from "../audit/log";
import { courseInsights, withMinGroup } from "../insight/course-insights";
import { HELP_REQUESTS_WINDOW_MS, helpRequests, helpRequestsKey } from "../insight/help-requests";
import { CourseInsightsSchema, insightKey, overviewKey, TenantOverviewSchema } from "../insight/snapshots";
import { tenantOverview } from "../metrics/overview";
import { DEFAULT_INSIGHT_WINDOW_MS, resolveWindow } from "../metrics/window";

export const router = featureGatedRouter<Env>("analytics");

const WindowQuerySchema = v.object({
  from: v.optional(IsoTimestampSchema),
  to: v.optional(IsoTimestampSchema),
});

/**
 * The tenant's small-group threshold for insight, passed by the gateway from the tenant's flags
 * (`insightMinGroupSize`). 0 or absent: no suppression.
 */
export const MIN_GROUP_HEADER = "X-Atomic-Insight-Min-Group";
const MinGroupSchema = v.pipe(v.string(), v.regex(/^\d{1,3}$/), v.transform(Number), v.maxValue(100));

function minGroupSizeOf(request: Request): number {
  const header = request.headers.get(MIN_GROUP_HEADER);
  if (header === null) return 0;
  const parsed = v.safeParse(MinGroupSchema, header);
  if (!parsed.success)
    throw new ApiError(400, "invalid_request", `${MIN_GROUP_HEADER} must be a number from 0 to 100.`);
  return parsed.output;
}

function requireInstructor(request: Request) {
  const auth = authContextFrom(request);
  if (!auth.isInstructor) throw forbidden("instructor_only", "Only instructors can see course insight.");
  return auth;
}

/**
 * Read-only mode: the default window (what the web app asks for) is read through a KV snapshot
 * that learning-event writes also refresh (insight/snapshots.ts), so it answers during a D1
 * outage, marked `X-Atomic-Degraded: read-only`. A custom window is read live only.
 */
const isDefaultWindow = (query: { from?: string | undefined; to?: string | undefined }) =>
  query.from === undefined && query.to === undefined;

router.get("/api/analytics/overview", async (request, env, ctx) => {
  const auth = requireInstructor(request);
  const query = parseQuery(new URL(request.url), WindowQuerySchema);
  const window = resolveWindow(query.from, query.to, DEFAULT_INSIGHT_WINDOW_MS);
  const read = () => tenantOverview(env, auth, window);
  if (!isDefaultWindow(query)) return json(await read());
  const result = await readThrough({
    service: "analytics",
    kv: env.SNAPSHOTS,
    tenantId: auth.tenantId,
    ...(auth.d1Binding ? { d1Binding: auth.d1Binding } : {}),
    key: overviewKey(auth.tenantId),
    schema: TenantOverviewSchema,
    read,
    waitUntil: (p) => ctx.waitUntil(p),
  });
  return readThroughResponse(result);
});

/** Only the course the instructor launched from; any other course answers as missing. */
function ownCourse(request: IRequest & { params: Record<string, string | undefined> }, contextOfAuth?: string) {
  const contextId = v.safeParse(IdSchema, decodePathParam(request.params.contextId));
  if (!contextId.success || contextOfAuth !== contextId.output) throw notFound("No such course.");
  return contextId.output;
}

router.get("/api/courses/:contextId/insights", async (request, env, ctx) => {
  const auth = requireInstructor(request);
  const contextId = ownCourse(request, auth.contextId);
  const query = parseQuery(new URL(request.url), WindowQuerySchema);
  const window = resolveWindow(query.from, query.to, DEFAULT_INSIGHT_WINDOW_MS);
  const minGroupSize = minGroupSizeOf(request);
  const read = () =>
    courseInsights(env, {
      tenantId: auth.tenantId,
      d1Binding: auth.d1Binding,
      contextId,
      ...window,
    });
  const result = isDefaultWindow(query)
    ? await readThrough({
        service: "analytics",
        kv: env.SNAPSHOTS,
        tenantId: auth.tenantId,
        ...(auth.d1Binding ? { d1Binding: auth.d1Binding } : {}),
        key: insightKey(auth.tenantId, contextId),
        schema: CourseInsightsSchema,
        read,
        waitUntil: (p) => ctx.waitUntil(p),
      })
    : { value: await read(), degraded: false };
  // Recorded before the answer leaves (queued durably while D1 is down): a read that cannot be
  // audited is not served.
  await recordAuditEntry(env, auth, {
    action: "insight_read",
    route: "/api/courses/:contextId/insights",
    contextId,
  });
  return readThroughResponse({ ...result, value: withMinGroup(result.value, minGroupSize) });
});

// The instructor's live list of learners who asked for their help (the web app polls it).
router.get("/api/courses/:contextId/help-requests", async (request, env, ctx) => {
  const auth = requireInstructor(request);
  const contextId = ownCourse(request, auth.contextId);
  const query = parseQuery(new URL(request.url), WindowQuerySchema);
  const window = resolveWindow(query.from, query.to, HELP_REQUESTS_WINDOW_MS);
  const read = () => helpRequests(env, { tenantId: auth.tenantId, d1Binding: auth.d1Binding, contextId, ...window });
  const result = isDefaultWindow(query)
    ? await readThrough({
        service: "analytics",
        kv: env.SNAPSHOTS,
        tenantId: auth.tenantId,
        key: helpRequestsKey(auth.tenantId, contextId),
        schema: HelpRequestsSchema,
        read,
        ...(auth.d1Binding ? { d1Binding: auth.d1Binding } : {}),
        waitUntil: (p) => ctx.waitUntil(p),
      })
    : { value: await read(), degraded: false };
  // It names learners: audited like any insight read, before the answer leaves.
  await recordAuditEntry(env, auth, {
    action: "help_requests_read",
    route: "/api/courses/:contextId/help-requests",
    contextId,
  });
  return readThroughResponse(result);
});

router.all("*", () => {
  throw notFound("No such analytics route.");
});
