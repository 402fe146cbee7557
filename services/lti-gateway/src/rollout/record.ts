import { BACKEND_SERVICES, IsoTimestampSchema, TenantIdSchema } from "@atomic-guide/shared";
import * as v from "valibot";

/**
 * The services the gateway reaches with `fetch` and can therefore steer per tenant. The gateway
 * itself is not here: a Worker cannot pick its own version; its affinity comes from a zone
 * Transform Rule at the edge (docs/operations.md).
 */
export const RolloutServiceSchema = v.picklist(BACKEND_SERVICES);
export type RolloutService = v.InferOutput<typeof RolloutServiceSchema>;
export const ROLLOUT_SERVICES = RolloutServiceSchema.options;

/** What an operator sends: the candidate version and the pilot tenants pinned to it. */
export const RolloutInputSchema = v.strictObject({
  // Wrangler version ids are UUIDs; anything else could not be a valid override anyway.
  candidateVersionId: v.pipe(v.string(), v.uuid("must be a Worker version id (UUID)")),
  tenants: v.pipe(
    v.array(TenantIdSchema),
    v.maxLength(100, "at most 100 pinned tenants; widen by percentage instead"),
    v.check((ids) => new Set(ids).size === ids.length, "tenants must not repeat"),
  ),
  percentage: v.optional(v.pipe(v.number(), v.integer(), v.minValue(0), v.maxValue(100))),
});
export type RolloutInput = v.InferOutput<typeof RolloutInputSchema>;

/** What KV FLAGS holds under `rollout:<service>` (validated again on every read). */
export const RolloutRecordSchema = v.object({
  ...RolloutInputSchema.entries,
  updatedAt: IsoTimestampSchema,
});
export type RolloutRecord = v.InferOutput<typeof RolloutRecordSchema>;

export const rolloutKey = (service: RolloutService) => `rollout:${service}`;
