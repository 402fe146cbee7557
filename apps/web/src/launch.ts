import * as v from "valibot";

// What the gateway's launch page hands the app (contract: /lti/launch). Unknown keys are
// tolerated so the gateway can add fields without breaking deployed bundles.
export const LaunchSchema = v.object({
  apiToken: v.pipe(v.string(), v.minLength(1)),
  expiresAt: v.union([v.string(), v.number()]),
  tenantId: v.string(),
  user: v.object({
    name: v.optional(v.nullable(v.string())),
    roles: v.array(v.string()),
    isInstructor: v.optional(v.boolean()),
  }),
  context: v.object({ id: v.string(), title: v.optional(v.nullable(v.string())) }),
  messageType: v.string(),
  sessionId: v.optional(v.nullable(v.string())),
  /** The LTI resource link, when the gateway passes it on (for chat's context). */
  resourceLinkId: v.optional(v.nullable(v.string())),
  resourceLink: v.optional(v.nullable(v.object({ id: v.string() }))),
  flags: v.optional(
    v.object({
      chat: v.optional(v.boolean()),
      struggleDetection: v.optional(v.boolean()),
      analytics: v.optional(v.boolean()),
    }),
  ),
});
export type Launch = v.InferOutput<typeof LaunchSchema>;

const INSTRUCTOR_ROLE = /(Instructor|TeachingAssistant|ContentDeveloper|Administrator)$/;

/** Instructor-type roles get the instructor view (contract); everyone else the learner's. */
export function isInstructor(launch: Launch): boolean {
  if (launch.user.isInstructor !== undefined) return launch.user.isInstructor;
  return launch.user.roles.some((r) => INSTRUCTOR_ROLE.test(r.split("#").pop() ?? r));
}

export type LaunchResult = { ok: true; launch: Launch } | { ok: false; reason: string };

export function parseLaunch(text: string | null | undefined): LaunchResult {
  if (!text) return { ok: false, reason: "No launch data on this page." };
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    return { ok: false, reason: "The launch data is not valid JSON." };
  }
  const parsed = v.safeParse(LaunchSchema, raw);
  if (!parsed.success) return { ok: false, reason: "The launch data is incomplete." };
  return { ok: true, launch: parsed.output };
}

export function expiresAtMs(launch: Launch): number {
  return typeof launch.expiresAt === "number"
    ? launch.expiresAt < 1e12
      ? launch.expiresAt * 1000
      : launch.expiresAt
    : Date.parse(launch.expiresAt);
}
