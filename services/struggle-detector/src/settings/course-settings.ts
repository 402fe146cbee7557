import { INTERVENTION_KINDS, InterventionKindSchema, SensitivitySchema } from "@atomic-guide/shared/interventions";
import * as v from "valibot";
import type { DetectorConfig } from "../detection/thresholds";

/**
 * What an instructor tunes for their course (GET|PUT /api/courses/:contextId/guide-settings):
 * how readily the guide steps in, how often, and with which kinds of help. Applied on top of the
 * tenant's detector config, so an operator's override stays the base.
 */
export const CourseSettingsSchema = v.strictObject({
  sensitivity: SensitivitySchema,
  cooldownMinutes: v.pipe(v.number(), v.integer(), v.minValue(1), v.maxValue(240)),
  dailyCap: v.pipe(v.number(), v.integer(), v.minValue(0), v.maxValue(50)),
  allowedInterventions: v.pipe(
    v.array(InterventionKindSchema),
    v.maxLength(INTERVENTION_KINDS.length),
    v.check((kinds) => new Set(kinds).size === kinds.length, "must not repeat a kind"),
  ),
});
export type CourseSettings = v.InferOutput<typeof CourseSettingsSchema>;

/** As stored: the settings, when and by whom they were last changed. */
export const StoredCourseSettingsSchema = v.object({
  ...CourseSettingsSchema.entries,
  updatedAt: v.string(),
  updatedBy: v.string(),
});
export type StoredCourseSettings = v.InferOutput<typeof StoredCourseSettingsSchema>;

export const courseSettingsKey = (tenantId: string, contextId: string) =>
  `struggle:${tenantId}:course:${encodeURIComponent(contextId)}`;

/**
 * Level thresholds per sensitivity. Medium keeps the tenant's own; low needs more evidence before
 * "struggling" (about 1.9 units instead of 1.2), high less (about 0.8), each with its hysteresis.
 */
const SENSITIVITY: Record<
  Exclude<CourseSettings["sensitivity"], "medium">,
  Pick<DetectorConfig, "watchEnter" | "watchExit" | "strugglingEnter" | "strugglingExit">
> = {
  low: { watchEnter: 0.5, watchExit: 0.35, strugglingEnter: 0.85, strugglingExit: 0.65 },
  high: { watchEnter: 0.3, watchExit: 0.2, strugglingEnter: 0.55, strugglingExit: 0.4 },
};

export function applyCourseSettings(base: DetectorConfig, s: CourseSettings): DetectorConfig {
  return {
    ...base,
    ...(s.sensitivity === "medium" ? {} : SENSITIVITY[s.sensitivity]),
    cooldownMs: s.cooldownMinutes * 60_000,
    dailyCap: s.dailyCap,
    allowedInterventions: [...s.allowedInterventions],
  };
}

/** What a course that was never tuned shows: the tenant's config in the settings' terms. */
export function settingsOf(config: DetectorConfig): CourseSettings {
  return {
    sensitivity: "medium",
    cooldownMinutes: Math.min(240, Math.max(1, Math.round(config.cooldownMs / 60_000))),
    dailyCap: Math.min(50, config.dailyCap),
    allowedInterventions: [...config.allowedInterventions],
  };
}

/** Reads a course's stored settings; malformed or unreadable ones count as none. */
export async function readCourseSettings(
  kv: KVNamespace,
  tenantId: string,
  contextId: string,
): Promise<StoredCourseSettings | undefined> {
  let raw: unknown;
  try {
    raw = await kv.get(courseSettingsKey(tenantId, contextId), "json");
  } catch {
    return undefined;
  }
  const parsed = v.safeParse(StoredCourseSettingsSchema, raw);
  return parsed.success ? parsed.output : undefined;
}
