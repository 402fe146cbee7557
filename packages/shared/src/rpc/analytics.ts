import * as v from "valibot";
import { TenantIdSchema } from "../auth-context";
import { IdSchema, IsoTimestampSchema } from "../validation";
import type { ServiceRpc } from "./service";

/**
 * Learning events that struggle-detector and chat send to analytics, so instructor insight
 * answers from one place. `eventId` is the idempotency key: analytics stores each once, so
 * outbox replays after a D1 outage never count an event twice.
 */
const base = {
  eventId: IdSchema,
  tenantId: TenantIdSchema,
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

/** RPC contract of the analytics service. */
export interface AnalyticsRpc extends ServiceRpc {}
