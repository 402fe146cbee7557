import { INTERVENTION_KINDS, type InterventionKind, SENSITIVITIES } from "@atomic-guide/shared/interventions";
import * as v from "valibot";

// GET/PUT /api/courses/:contextId/guide-settings, as agreed with struggle-detector (which
// validates the same rules on the server; this copy gives the instructor errors before sending).
export { INTERVENTION_KINDS, SENSITIVITIES };

export const KIND_NAMES: Record<InterventionKind, string> = {
  hint: "Hints",
  content_summary: "Summaries of the content",
  chat_offer: "Offers to chat",
  prerequisite_resource: "Prerequisites to review",
  instructor_notified: "Telling you (the instructor)",
};

export const GuideSettingsSchema = v.object({
  sensitivity: v.picklist(SENSITIVITIES, "Choose low, medium or high."),
  cooldownMinutes: v.pipe(
    v.number("Enter a number of minutes."),
    v.integer("Use whole minutes."),
    v.minValue(1, "At least 1 minute."),
    v.maxValue(240, "At most 240 minutes."),
  ),
  dailyCap: v.pipe(
    v.number("Enter a number."),
    v.integer("Use a whole number."),
    v.minValue(0, "At least 0."),
    v.maxValue(50, "At most 50 a day."),
  ),
  allowedInterventions: v.array(v.picklist(INTERVENTION_KINDS)),
});
export type GuideSettings = v.InferOutput<typeof GuideSettingsSchema>;

export const StoredGuideSettingsSchema = v.object({
  ...GuideSettingsSchema.entries,
  updatedAt: v.nullable(v.string()),
});
export type StoredGuideSettings = v.InferOutput<typeof StoredGuideSettingsSchema>;

export type SettingsField = keyof GuideSettings;

export interface SettingsForm {
  sensitivity: string;
  cooldownMinutes: string;
  dailyCap: string;
  allowedInterventions: string[];
}

/** The form's raw values as settings, or the message for each field that is wrong. */
export function readSettingsForm(
  form: SettingsForm,
): { ok: true; settings: GuideSettings } | { ok: false; errors: Partial<Record<SettingsField, string>> } {
  const num = (s: string) => (s.trim() === "" ? Number.NaN : Number(s));
  const parsed = v.safeParse(GuideSettingsSchema, {
    sensitivity: form.sensitivity,
    cooldownMinutes: num(form.cooldownMinutes),
    dailyCap: num(form.dailyCap),
    // Kept in the agreed order so a save without changes sends the same body.
    allowedInterventions: INTERVENTION_KINDS.filter((k) => form.allowedInterventions.includes(k)),
  });
  if (parsed.success) return { ok: true, settings: parsed.output };
  const errors: Partial<Record<SettingsField, string>> = {};
  for (const issue of parsed.issues) {
    const field = issue.path?.[0]?.key as SettingsField | undefined;
    if (field && !errors[field]) errors[field] = Number.isNaN(issue.input) ? "Enter a number." : issue.message;
  }
  return { ok: false, errors };
}
