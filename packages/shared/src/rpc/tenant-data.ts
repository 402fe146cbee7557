import * as v from "valibot";
import { D1BindingNameSchema, TenantIdSchema } from "../auth-context";

/**
 * How long learner data is kept when a tenant's record names no period of its own
 * (docs/operations.md, "Retention"). A year covers an academic year plus a resit term.
 */
export const DEFAULT_LEARNER_DATA_RETENTION_DAYS = 365;

/** Bounds of a tenant's learner-data retention: at least a day, at most ten years. */
export const LearnerDataRetentionDaysSchema = v.pipe(v.number(), v.integer(), v.minValue(1), v.maxValue(3650));

/** Which tenant a whole-tenant operation is about, and where its dedicated database is (if any). */
export const TenantDataRefSchema = v.object({
  tenantId: TenantIdSchema,
  d1Binding: v.optional(D1BindingNameSchema),
});
export type TenantDataRef = v.InferOutput<typeof TenantDataRefSchema>;

/** One tenant's retention sweep: data whose last activity is older than `now - retentionDays` goes. */
export const RetentionSweepSchema = v.object({
  ...TenantDataRefSchema.entries,
  retentionDays: LearnerDataRetentionDaysSchema,
  /** The sweep's clock in ms since the epoch; the gateway's cron passes its scheduled time. */
  nowMs: v.pipe(v.number(), v.integer(), v.minValue(0)),
});
export type RetentionSweep = v.InferOutput<typeof RetentionSweepSchema>;

/** What a service removed: D1 rows (and KV keys, counted as rows) and Durable Objects emptied. */
export interface TenantDataRemoval {
  rows: number;
  objects: number;
  /** False when the call stopped at its per-call bound with more to remove: call again. */
  done: boolean;
}

/** Offboarding and retention, offered by every service that holds learner data. */
export interface TenantDataRpc {
  /** Erases everything the service holds for the tenant, in the shared and the tenant database; idempotent. */
  eraseTenant(ref: TenantDataRef): Promise<TenantDataRemoval>;
}

/** Retention, offered by the services that keep learner data in Durable Objects (chat, struggle-detector). */
export interface LearnerRetentionRpc {
  sweepExpiredLearnerData(sweep: RetentionSweep): Promise<TenantDataRemoval>;
}
