import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import * as v from "valibot";
import { SignalSchema } from "../../../packages/shared/src/signals";

/**
 * A recorded learner session (docs/struggle-detection.md, "Recorded sessions"): the signals a
 * client sent, each with its offset from the start instead of a date, so a trace replays on any day.
 */
export const ARCHETYPES = {
  wheel_spinning: "struggling",
  rereading: "struggling",
  rapid_guessing: "struggling",
  stuck_on_question: "struggling",
  steady_reader: "not_struggling",
  video_watcher: "not_struggling",
  fast_expert: "not_struggling",
  productive_struggle: "not_struggling",
} as const;
export type Archetype = keyof typeof ARCHETYPES;
export type Label = (typeof ARCHETYPES)[Archetype];

const TracedSignalSchema = v.object({
  ...v.omit(SignalSchema, ["at"]).entries,
  offsetMs: v.pipe(v.number(), v.integer(), v.minValue(0), v.maxValue(86_400_000)),
});
export type TracedSignal = v.InferOutput<typeof TracedSignalSchema>;

export const TraceSchema = v.object({
  format: v.literal("atomic-guide-trace/1"),
  archetype: v.picklist(Object.keys(ARCHETYPES) as Archetype[]),
  label: v.picklist(["struggling", "not_struggling"]),
  source: v.picklist(["browser", "generator"]),
  courseId: v.optional(v.pipe(v.string(), v.minLength(1), v.maxLength(255))),
  signals: v.pipe(v.array(TracedSignalSchema), v.minLength(1)),
});
export type Trace = v.InferOutput<typeof TraceSchema>;

export interface LoadedTrace {
  file: string;
  trace: Trace;
}

function jsonFilesUnder(path: string): string[] {
  if (!statSync(path).isDirectory()) return [path];
  return readdirSync(path, { withFileTypes: true })
    .flatMap((e) =>
      e.isDirectory() ? jsonFilesUnder(join(path, e.name)) : e.name.endsWith(".json") ? [join(path, e.name)] : [],
    )
    .sort();
}

/** Reads and validates every trace in the given files and directories (recursively). */
export function loadTraces(paths: string[]): LoadedTrace[] {
  return paths.flatMap(jsonFilesUnder).map((file) => {
    const parsed = v.safeParse(TraceSchema, JSON.parse(readFileSync(file, "utf8")));
    if (!parsed.success) throw new Error(`${file}: not a trace (${v.summarize(parsed.issues)})`);
    return { file, trace: parsed.output };
  });
}
