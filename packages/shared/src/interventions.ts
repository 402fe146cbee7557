import * as v from "valibot";

/**
 * The kinds of help the guide can give, and the sensitivities an instructor picks from. One
 * list for struggle-detector (which chooses and validates them) and the web app's course
 * settings (which offers them), so the two never disagree on a kind.
 */
export const INTERVENTION_KINDS = [
  "hint",
  "content_summary",
  "chat_offer",
  "prerequisite_resource",
  "instructor_notified",
] as const;
export const InterventionKindSchema = v.picklist(INTERVENTION_KINDS, "must be a known intervention kind");
export type InterventionKind = v.InferOutput<typeof InterventionKindSchema>;

export const SENSITIVITIES = ["low", "medium", "high"] as const;
export const SensitivitySchema = v.picklist(SENSITIVITIES, "must be low, medium or high");
export type Sensitivity = v.InferOutput<typeof SensitivitySchema>;
