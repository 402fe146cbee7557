import * as v from "valibot";
import { TenantIdSchema } from "../auth-context";
import { SERVICE_NAMES } from "../service-names";
import { IsoTimestampSchema } from "../validation";

/** The four Workers; metrics from anything else are refused. */
export const METRIC_SERVICES = SERVICE_NAMES;
export const MetricServiceSchema = v.picklist(METRIC_SERVICES);
export type MetricService = v.InferOutput<typeof MetricServiceSchema>;

/** A route template as the router declares it (`/api/chat/history/:conversationId`), never a raw path. */
export const RouteTemplateSchema = v.pipe(v.string(), v.minLength(1), v.maxLength(200), v.regex(/^[\x20-\x7e]+$/));

/** A D1 query's name: from its `/* name *\/` comment, or derived from the SQL when unnamed. */
export const QueryNameSchema = v.pipe(v.string(), v.minLength(1), v.maxLength(100), v.regex(/^[\x21-\x7e]+$/));

const DurationSchema = v.pipe(v.number(), v.minValue(0), v.maxValue(3_600_000));
const CountSchema = v.pipe(v.number(), v.integer(), v.minValue(0), v.maxValue(1e12));

export const RequestSampleSchema = v.object({
  kind: v.literal("request"),
  service: MetricServiceSchema,
  route: RouteTemplateSchema,
  /** HTTP method, or `RPC` for an RPC method served by the entrypoint. */
  method: v.pipe(v.string(), v.regex(/^[A-Z]{1,16}$/)),
  status: v.pipe(v.number(), v.integer(), v.minValue(100), v.maxValue(599)),
  durationMs: DurationSchema,
  /** D1 time spent inside this request, when it could be attributed (see docs/analytics.md). */
  d1Ms: v.optional(DurationSchema),
  tenantId: v.optional(TenantIdSchema),
  at: IsoTimestampSchema,
});
export type RequestSample = v.InferOutput<typeof RequestSampleSchema>;

export const QuerySampleSchema = v.object({
  kind: v.literal("query"),
  service: MetricServiceSchema,
  name: QueryNameSchema,
  /** Wall time of the call; for a statement inside a batch, its SQL time. */
  durationMs: DurationSchema,
  rowsRead: CountSchema,
  rowsWritten: CountSchema,
  ok: v.boolean(),
  at: IsoTimestampSchema,
});
export type QuerySample = v.InferOutput<typeof QuerySampleSchema>;

export const MetricSampleSchema = v.variant("kind", [RequestSampleSchema, QuerySampleSchema]);
export type MetricSample = v.InferOutput<typeof MetricSampleSchema>;

export const MAX_SAMPLES_PER_BATCH = 1000;

/** What a service sends to analytics' `recordMetrics`. */
export const MetricsBatchSchema = v.object({
  service: MetricServiceSchema,
  samples: v.pipe(v.array(MetricSampleSchema), v.maxLength(MAX_SAMPLES_PER_BATCH)),
  /** Samples this isolate dropped since its last successful send (analytics down, buffer full). */
  dropped: v.optional(CountSchema),
  at: IsoTimestampSchema,
});
export type MetricsBatch = v.InferOutput<typeof MetricsBatchSchema>;
