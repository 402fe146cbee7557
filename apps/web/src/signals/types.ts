import * as v from "valibot";

export const SIGNAL_TYPES = [
  "hover",
  "scroll",
  "idle",
  "click",
  "focus_change",
  "answer_change",
  "help_request",
  "quiz_attempt",
] as const;

// Mirrors the contract's POST /api/cognitive/signals item, so a batch is checked before it leaves.
export const SignalSchema = v.object({
  type: v.picklist(SIGNAL_TYPES),
  at: v.string(),
  durationMs: v.optional(v.pipe(v.number(), v.integer(), v.minValue(0))),
  elementId: v.optional(v.pipe(v.string(), v.maxLength(200))),
  contentType: v.optional(v.pipe(v.string(), v.maxLength(100))),
  correct: v.optional(v.boolean()),
});
export type Signal = v.InferOutput<typeof SignalSchema>;
export type SignalType = Signal["type"];
