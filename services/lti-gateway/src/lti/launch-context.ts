import { IdSchema, TenantIdSchema } from "@atomic-guide/shared";
import * as v from "valibot";
import { DeepLinkingSettingsSchema } from "./claims";

/**
 * A verified launch, reduced to what the tool needs after validation. Kept in the state DO
 * between the launch and its platform-storage proof, and for the deep-linking response.
 */
export const LaunchContextSchema = v.object({
  launchId: IdSchema,
  tenantId: TenantIdSchema,
  issuer: v.string(),
  clientId: IdSchema,
  deploymentId: IdSchema,
  /** The deployment id exactly as the platform sent it: echoed in the deep-linking response. */
  platformDeploymentId: v.pipe(v.string(), v.maxLength(255)),
  messageType: v.picklist(["LtiResourceLinkRequest", "LtiDeepLinkingRequest"]),
  userId: IdSchema,
  name: v.optional(v.pipe(v.string(), v.maxLength(255))),
  roles: v.array(v.pipe(v.string(), v.maxLength(512))),
  contextId: IdSchema,
  contextTitle: v.optional(v.pipe(v.string(), v.maxLength(255))),
  resourceLinkId: v.optional(v.string()),
  nrpsUrl: v.optional(v.string()),
  deepLinking: v.optional(DeepLinkingSettingsSchema),
  /** Origins allowed to frame the app page (its CSP frame-ancestors): the platform's own. */
  frameOrigins: v.optional(v.array(v.pipe(v.string(), v.maxLength(512)))),
});
export type LaunchContext = v.InferOutput<typeof LaunchContextSchema>;

/**
 * Platform identifiers as our ids: kept as they are when they are printable ASCII (what every
 * platform we know sends), otherwise replaced by a stable hash so they still fit IdSchema.
 */
export async function stableId(raw: string): Promise<string> {
  if (v.is(IdSchema, raw)) return raw;
  const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", new TextEncoder().encode(raw)));
  return `h-${Array.from(digest, (b) => b.toString(16).padStart(2, "0")).join("")}`;
}
