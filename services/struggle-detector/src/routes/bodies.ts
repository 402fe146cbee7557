import * as v from "valibot";

/** Bodies of the HTTP routes; the Durable Object validates its RPC arguments with the same schemas. */

export const RESPOND_ACTIONS = ["accepted", "dismissed", "helpful", "not_helpful"] as const;
export type RespondAction = (typeof RESPOND_ACTIONS)[number];

/** POST /api/interventions/:id/respond body. */
export const RespondSchema = v.object({
  action: v.picklist(RESPOND_ACTIONS, "must be accepted, dismissed, helpful or not_helpful"),
});

/** PUT /api/learners/me/consent body. */
export const ConsentInputSchema = v.strictObject({ profiling: v.boolean() });
