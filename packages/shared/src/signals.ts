import * as v from "valibot";
import { IdSchema, IsoTimestampSchema } from "./validation";

/**
 * The learning signal, as POST /api/cognitive/signals and /ws/signals take it (CONTRACT.md).
 * One definition for the browser that batches signals and the service that judges them, so the
 * app never sends a batch the server would refuse.
 */
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

export const SignalSchema = v.object({
  type: v.picklist(SIGNAL_TYPES, "must be one of the known signal types"),
  at: IsoTimestampSchema,
  // A day is the longest span any single observation can honestly claim.
  durationMs: v.optional(v.pipe(v.number(), v.integer(), v.minValue(0), v.maxValue(86_400_000))),
  elementId: v.optional(IdSchema),
  contentType: v.optional(v.pipe(v.string(), v.maxLength(64))),
  correct: v.optional(v.boolean()),
  /** Words in the block the signal is about, counted by the client: sets the block's expected reading time. */
  wordCount: v.optional(v.pipe(v.number(), v.integer(), v.minValue(0), v.maxValue(100_000))),
  /** The skill a quiz item declares (`data-skill`), for per-skill mastery. */
  skill: v.optional(IdSchema),
});
export type Signal = v.InferOutput<typeof SignalSchema>;
export type SignalType = Signal["type"];

export const MAX_SIGNALS_PER_BATCH = 100;

export const SignalBatchSchema = v.object({
  sessionId: v.optional(IdSchema),
  signals: v.pipe(
    v.array(SignalSchema),
    v.minLength(1, "a batch holds at least one signal"),
    v.maxLength(MAX_SIGNALS_PER_BATCH, `a batch holds at most ${MAX_SIGNALS_PER_BATCH} signals`),
  ),
});
export type SignalBatch = v.InferOutput<typeof SignalBatchSchema>;
