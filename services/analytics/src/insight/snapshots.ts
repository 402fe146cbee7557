import { type LearnerAnalyticsExport, type LearningEvent, LearningEventSchema } from "@atomic-guide/shared";
import { putSnapshot, snapshotKey } from "@atomic-guide/shared/resilience/fallback";
import * as v from "valibot";
import { exportLearnerData } from "../events/store";
import { tenantOverview } from "../metrics/overview";
import { DEFAULT_INSIGHT_WINDOW_MS, resolveWindow } from "../metrics/window";
import { courseInsights } from "./course-insights";
import { HELP_REQUESTS_WINDOW_MS, helpRequests, helpRequestsKey } from "./help-requests";

/**
 * KV snapshots of analytics' reads, for read-only mode (docs/resilience.md). Keys start with the
 * tenant id, and a learner's with the learner id after it, so erasure is a prefix delete. Only
 * the default window is snapshotted: it is what the web app asks for, and what writes refresh.
 */
export const insightKey = (tenantId: string, contextId: string) => snapshotKey(tenantId, "insight", contextId);
export const overviewKey = (tenantId: string) => snapshotKey(tenantId, "overview");
export const learnerExportKey = (tenantId: string, userId: string) => snapshotKey(tenantId, userId, "analytics-export");

const Count = v.pipe(v.number(), v.minValue(0));
const Figure = v.nullable(Count);

/** A snapshot comes back through KV, a trust boundary: checked before it is served. */
export const CourseInsightsSchema = v.object({
  contextId: v.string(),
  from: v.string(),
  to: v.string(),
  minGroupSize: Count,
  hotSpots: v.array(
    v.object({ elementId: v.string(), events: Count, learners: Count, strugglingEvents: Count, avgScore: v.number() }),
  ),
  suppressedHotSpots: Count,
  learners: v.object({
    rosterSize: Count,
    active: Count,
    inactive: Count,
    activeLearners: v.optional(
      v.array(v.object({ userId: v.string(), name: v.nullable(v.string()), lastSeen: v.string() })),
    ),
    inactiveLearners: v.optional(v.array(v.object({ userId: v.string(), name: v.nullable(v.string()) }))),
  }),
  interventions: v.object({
    delivered: v.array(v.object({ kind: v.string(), count: Figure, learners: Figure })),
    outcomes: v.array(v.object({ action: v.string(), count: Figure, learners: Figure })),
    // Snapshots written before per-kind outcomes existed read as none.
    byKind: v.optional(
      v.array(
        v.object({
          kind: v.string(),
          delivered: Figure,
          learners: Figure,
          accepted: Figure,
          dismissed: Figure,
          helpful: Figure,
          notHelpful: Figure,
        }),
      ),
      [],
    ),
  }),
  chatVolume: v.array(v.object({ day: v.string(), messages: Figure, learners: Figure })),
});

const RouteMetricsSchema = v.object({
  service: v.string(),
  route: v.string(),
  count: Count,
  errors: Count,
  p50Ms: v.number(),
  p95Ms: v.number(),
  p99Ms: v.number(),
  maxMs: v.number(),
  d1MsAvg: v.nullable(v.number()),
});

export const TenantOverviewSchema = v.object({
  tenantId: v.string(),
  from: v.string(),
  to: v.string(),
  usage: v.object({ events: v.record(v.string(), v.object({ events: Count, learners: Count })) }),
  services: v.record(
    v.string(),
    v.object({
      requests: Count,
      errors: Count,
      errorRate: v.number(),
      worstRouteP95Ms: v.number(),
      status: v.picklist(["ok", "degraded"]),
    }),
  ),
  routes: v.array(RouteMetricsSchema),
});

export const LearnerExportSchema = v.object({
  service: v.literal("analytics"),
  learningEvents: v.array(LearningEventSchema),
  rosterEntries: v.array(
    v.object({ contextId: v.string(), name: v.nullable(v.string()), roles: v.array(v.string()), syncedAt: v.string() }),
  ),
}) satisfies v.GenericSchema<unknown, LearnerAnalyticsExport>;

/** One refresh per key per isolate in this long, so a stream of small batches is not a stream of reads. */
const REFRESH_EVERY_MS = 5_000;
/**
 * A learner's export is read rarely (a data request, or an outage) and re-reading it costs a
 * query over their whole history: while they are active it is refreshed at most once a minute,
 * and always at the start of a session, so a snapshot lags the learner by at most the session
 * before (a degraded export says when it was taken).
 */
export const EXPORT_REFRESH_MS = 60_000;
/** A batch touching more than this many learners or courses refreshes only the first ones. */
const MAX_REFRESHES = 20;
const lastRefresh = new Map<string, number>();

function due(key: string, now: number, every = REFRESH_EVERY_MS): boolean {
  const last = lastRefresh.get(key);
  if (last !== undefined && now - last < every) return false;
  if (lastRefresh.size > 5_000) lastRefresh.clear();
  lastRefresh.set(key, now);
  return true;
}

type Learner = { tenantId: string; userId: string; d1Binding?: string | undefined; sessionStarted: boolean };

/**
 * After learning events are stored: the reads they change (the course's insight, the tenant's
 * overview, each learner's export) are read again and their snapshots rewritten. Runs after
 * the answer (waitUntil); a failure leaves the previous snapshot, never the write undone.
 */
export async function refreshAfterEvents(env: Env, events: readonly LearningEvent[], now = Date.now()): Promise<void> {
  // Each read goes to the database the events were just stored in (their d1Binding).
  type Course = { tenantId: string; contextId: string; d1Binding?: string | undefined };
  const courses = new Map<string, Course>();
  const asked = new Map<string, Course>();
  const tenants = new Map<string, { tenantId: string; d1Binding?: string | undefined }>();
  const learners = new Map<string, Learner>();
  for (const e of events) {
    const { tenantId, d1Binding } = e;
    tenants.set(tenantId, { tenantId, d1Binding });
    if (e.contextId) courses.set(insightKey(tenantId, e.contextId), { tenantId, contextId: e.contextId, d1Binding });
    if (e.contextId && e.type === "help_requested")
      asked.set(helpRequestsKey(tenantId, e.contextId), { tenantId, contextId: e.contextId, d1Binding });
    const key = learnerExportKey(tenantId, e.userId);
    const sessionStarted = e.type === "session_started" || learners.get(key)?.sessionStarted === true;
    learners.set(key, { tenantId, userId: e.userId, d1Binding, sessionStarted });
  }
  const window = resolveWindow(undefined, undefined, DEFAULT_INSIGHT_WINDOW_MS, now);
  const jobs: Promise<void>[] = [];
  for (const [key, course] of [...courses].slice(0, MAX_REFRESHES)) {
    if (due(key, now)) jobs.push(refresh(env, key, () => courseInsights(env, { ...course, ...window })));
  }
  // A help request is what an instructor waits for: its list is rewritten at once, never skipped.
  const recent = resolveWindow(undefined, undefined, HELP_REQUESTS_WINDOW_MS, now);
  for (const [key, course] of [...asked].slice(0, MAX_REFRESHES)) {
    jobs.push(refresh(env, key, () => helpRequests(env, { ...course, ...recent })));
  }
  for (const tenant of [...tenants.values()].slice(0, MAX_REFRESHES)) {
    const key = overviewKey(tenant.tenantId);
    if (due(key, now)) jobs.push(refresh(env, key, () => tenantOverview(env, tenant, window)));
  }
  for (const [key, { sessionStarted, ...learner }] of [...learners].slice(0, MAX_REFRESHES)) {
    if (due(key, now, sessionStarted ? 0 : EXPORT_REFRESH_MS))
      jobs.push(refresh(env, key, () => exportLearnerData(env, learner)));
  }
  await Promise.all(jobs);
}

async function refresh(env: Env, key: string, read: () => Promise<unknown>): Promise<void> {
  try {
    await putSnapshot(env.SNAPSHOTS, key, await read());
  } catch {
    // D1 went away between the write and this read: the next write or read refreshes it.
    lastRefresh.delete(key);
  }
}
