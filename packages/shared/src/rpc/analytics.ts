import * as v from "valibot";
import { type AuthContext, D1BindingNameSchema, TenantIdSchema } from "../auth-context";
import { MetricServiceSchema, type MetricsBatch, RouteTemplateSchema } from "../metrics/schema";
import { IdSchema, IsoTimestampSchema } from "../validation";
import type { ServiceRpc } from "./service";

export { type MetricsBatch, MetricsBatchSchema } from "../metrics/schema";

/**
 * Learning events that struggle-detector and chat send to analytics, so instructor insight
 * answers from one place. `eventId` is the idempotency key: analytics stores each once, so
 * outbox replays after a D1 outage never count an event twice. `d1Binding` is the tenant's
 * dedicated database as the sender knows it now (absent: the shared `DB`); analytics stores the
 * event there, so a tenant's learner data stays in its own database in every service.
 */
const base = {
  eventId: IdSchema,
  tenantId: TenantIdSchema,
  d1Binding: v.optional(D1BindingNameSchema),
  userId: IdSchema,
  contextId: v.optional(IdSchema),
  at: IsoTimestampSchema,
};

export const LearningEventSchema = v.variant("type", [
  v.object({ ...base, type: v.literal("session_started"), sessionId: IdSchema }),
  v.object({
    ...base,
    type: v.literal("struggle_detected"),
    sessionId: IdSchema,
    elementId: v.optional(IdSchema),
    score: v.pipe(v.number(), v.minValue(0), v.maxValue(1)),
    level: v.picklist(["watch", "struggling"]),
  }),
  v.object({
    ...base,
    type: v.literal("intervention_delivered"),
    interventionId: IdSchema,
    kind: v.pipe(v.string(), v.maxLength(64)),
    elementId: v.optional(IdSchema),
  }),
  v.object({
    ...base,
    type: v.literal("intervention_responded"),
    interventionId: IdSchema,
    action: v.picklist(["accepted", "dismissed", "helpful", "not_helpful"]),
  }),
  // The learner accepted an offer to tell their instructor (kind instructor_notified): their
  // consent to be named to the course's instructors, with the name from their launch.
  v.object({
    ...base,
    type: v.literal("help_requested"),
    interventionId: IdSchema,
    elementId: v.optional(IdSchema),
    learnerName: v.optional(v.pipe(v.string(), v.maxLength(255))),
  }),
  v.object({
    ...base,
    type: v.literal("chat_message"),
    conversationId: IdSchema,
    provider: v.pipe(v.string(), v.maxLength(64)),
    tokens: v.pipe(v.number(), v.integer(), v.minValue(0)),
  }),
]);
export type LearningEvent = v.InferOutput<typeof LearningEventSchema>;

export const LearningEventBatchSchema = v.pipe(v.array(LearningEventSchema), v.minLength(1), v.maxLength(500));

/** Names and Roles roster of one course, pushed by the gateway at an instructor launch. */
export const RosterSyncSchema = v.object({
  contextId: IdSchema,
  members: v.pipe(
    v.array(
      v.object({
        userId: IdSchema,
        name: v.optional(v.pipe(v.string(), v.maxLength(255))),
        roles: v.pipe(v.array(v.pipe(v.string(), v.maxLength(255))), v.maxLength(50)),
      }),
    ),
    v.maxLength(10_000),
  ),
});
export type RosterSync = v.InferOutput<typeof RosterSyncSchema>;

/** Operator metrics window; defaults to the last hour, at most 31 days. */
export const MetricsQuerySchema = v.object({
  service: v.optional(MetricServiceSchema),
  from: v.optional(IsoTimestampSchema),
  to: v.optional(IsoTimestampSchema),
});
export type MetricsQuery = v.InferOutput<typeof MetricsQuerySchema>;

/** Who read or exported whose data, through which route. */
export const AuditEntrySchema = v.object({
  action: v.picklist(["insight_read", "overview_read", "help_requests_read", "export", "erase", "admin_metrics_read"]),
  route: RouteTemplateSchema,
  subjectUserId: v.optional(IdSchema),
  contextId: v.optional(IdSchema),
});
export type AuditEntry = v.InferOutput<typeof AuditEntrySchema>;

export interface LatencySummary {
  count: number;
  errors: number;
  p50Ms: number;
  p95Ms: number;
  p99Ms: number;
  maxMs: number;
}

export interface RouteMetrics extends LatencySummary {
  service: string;
  route: string;
  /** Average attributed D1 time per request, when known. */
  d1MsAvg: number | null;
}

export interface QueryMetrics extends LatencySummary {
  service: string;
  name: string;
  totalMs: number;
  rowsRead: number;
  rowsWritten: number;
}

export interface MetricsReport {
  from: string;
  to: string;
  routes: RouteMetrics[];
  queries: QueryMetrics[];
  /** The slowest named queries by p95, slowest first. */
  slowQueries: QueryMetrics[];
  /** Samples services dropped because analytics was unreachable, per service. */
  dropped: Record<string, number>;
}

/** RPC contract of the analytics service. */
export interface AnalyticsRpc extends ServiceRpc {
  /** Request and D1 query samples; buffered and written to D1 in batches. */
  recordMetrics(batch: MetricsBatch): Promise<void>;
  /** Stores each event once (eventId is the idempotency key); `stored` counts new ones. */
  recordLearningEvents(events: LearningEvent[]): Promise<{ stored: number }>;
  /** Replaces the course roster; members absent from the list are removed. */
  syncRoster(auth: AuthContext, roster: RosterSync): Promise<{ members: number }>;
  getMetrics(query: MetricsQuery): Promise<MetricsReport>;
  /** The gateway records exports, erasures and operator reads here. */
  recordAudit(auth: AuthContext, entry: AuditEntry): Promise<void>;
  exportLearner(auth: AuthContext): Promise<LearnerAnalyticsExport>;
  eraseLearner(auth: AuthContext): Promise<{ deleted: number }>;
}

export interface LearnerAnalyticsExport {
  service: "analytics";
  learningEvents: LearningEvent[];
  rosterEntries: { contextId: string; name: string | null; roles: string[]; syncedAt: string }[];
  /** Present when D1 was unavailable and this came from the read-only snapshot taken then. */
  snapshotAt?: string;
}
