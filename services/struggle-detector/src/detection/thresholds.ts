import * as v from "valibot";

/**
 * Every threshold and weight of the detector in one place. docs/struggle-detection.md gives the
 * reasoning behind each default; a tenant overrides any subset through KV TENANT_CONFIG
 * (`struggle:<tenantId>` -> JSON), validated against the same schema, and an instructor tunes a
 * course on top of that (course-settings.ts).
 */
const ms = (min: number, max: number) => v.pipe(v.number(), v.integer(), v.minValue(min), v.maxValue(max));
const unit = v.pipe(v.number(), v.minValue(0), v.maxValue(1));
const weight = v.pipe(v.number(), v.minValue(0), v.maxValue(5));
const count = (min: number, max: number) => v.pipe(v.number(), v.integer(), v.minValue(min), v.maxValue(max));
const ratio = (min: number, max: number) => v.pipe(v.number(), v.minValue(min), v.maxValue(max));

export const DetectorConfigSchema = v.pipe(
  v.strictObject({
    /** Reading speed that sets a block's expected reading time (words / wpm). */
    readingWpm: count(60, 1_000),
    /** No block, however short, is expected to take less than this. */
    minExpectedMs: ms(500, 60_000),
    /** The client reports idleness after 30 s without input; shorter spells never count. */
    idleMs: ms(5_000, 600_000),
    /** An idle spell counts when it exceeds this many expected reading times of the block in view. */
    idleRatio: ratio(0.5, 20),
    /** A dwell or time away counts as slow at this many times the learner's own median. */
    slowDwellRatio: ratio(1.5, 20),
    /** The learner's median is trusted only after this many samples. */
    slowDwellMinSamples: count(3, 200),
    /** Dwells shorter than this never count as slow, whatever the median. */
    slowDwellFloorMs: ms(1_000, 600_000),
    /** Time away shorter than this never counts (a glance at another tab). */
    awayFloorMs: ms(5_000, 1_800_000),
    /** Returns to a block seen before, within `rereadWindowMs`, that make re-reading. */
    rereadRevisits: count(2, 20),
    rereadWindowMs: ms(10_000, 1_800_000),
    /** A block in view for less than this was scrolled past, not read: leaving it is no return. */
    rereadMinViewMs: ms(0, 60_000),
    answerChanges: count(2, 20),
    /** Wrong answers, on any items, within `wrongWindowMs`. */
    wrongAnswers: count(1, 20),
    wrongWindowMs: ms(10_000, 7_200_000),
    /** Attempts on one item or skill without a success. */
    wheelAttempts: count(2, 50),
    /** A response faster than this fraction of the item's expected reading time is a rapid guess. */
    rapidRatio: ratio(0.05, 1),
    rapidGuesses: count(1, 20),
    rapidWindowMs: ms(10_000, 3_600_000),
    /** Bayesian Knowledge Tracing parameters (per skill) and the mastery below which a skill is weak. */
    bkt: v.strictObject({ pInit: unit, pLearn: unit, pGuess: unit, pSlip: unit }),
    lowMastery: unit,
    masteryMinAttempts: count(1, 50),
    /** After the learner sends a chat message, no chat offer for this long. */
    chatQuietMs: ms(0, 86_400_000),
    evidenceHalfLifeMs: ms(5_000, 1_800_000),
    weights: v.strictObject({
      idle: weight,
      rereading: weight,
      answerChanges: weight,
      wrongAnswers: weight,
      wheelSpinning: weight,
      rapidGuessing: weight,
      lowMastery: weight,
      helpRequest: weight,
      slowDwell: weight,
    }),
    watchEnter: unit,
    watchExit: unit,
    strugglingEnter: unit,
    strugglingExit: unit,
    cooldownMs: ms(0, 86_400_000),
    dailyCap: count(0, 100),
    /** Attempts without success on one item at which the instructor is told instead of the learner being hinted. */
    notifyInstructorAfterWrong: count(2, 50),
    /** Kinds an intervention may take (an instructor may narrow them per course). */
    allowedInterventions: v.pipe(
      v.array(v.picklist(["hint", "content_summary", "chat_offer", "prerequisite_resource", "instructor_notified"])),
      v.maxLength(5),
    ),
  }),
  v.check(
    (c) => c.watchExit < c.watchEnter && c.strugglingExit < c.strugglingEnter && c.watchEnter < c.strugglingEnter,
    "levels need exit < enter and watch < struggling",
  ),
  v.check((c) => c.watchExit <= c.strugglingExit, "watchExit must not exceed strugglingExit"),
);
export type DetectorConfig = v.InferOutput<typeof DetectorConfigSchema>;

export const DEFAULT_CONFIG: DetectorConfig = {
  readingWpm: 250,
  minExpectedMs: 3_000,
  idleMs: 30_000,
  idleRatio: 1.5,
  slowDwellRatio: 3,
  slowDwellMinSamples: 5,
  slowDwellFloorMs: 10_000,
  awayFloorMs: 60_000,
  rereadRevisits: 3,
  rereadWindowMs: 120_000,
  rereadMinViewMs: 2_000,
  answerChanges: 3,
  wrongAnswers: 3,
  wrongWindowMs: 600_000,
  wheelAttempts: 3,
  rapidRatio: 0.3,
  rapidGuesses: 3,
  rapidWindowMs: 300_000,
  bkt: { pInit: 0.25, pLearn: 0.1, pGuess: 0.2, pSlip: 0.1 },
  lowMastery: 0.2,
  masteryMinAttempts: 3,
  chatQuietMs: 10 * 60_000,
  evidenceHalfLifeMs: 120_000,
  weights: {
    idle: 0.35,
    rereading: 0.7,
    answerChanges: 0.6,
    wrongAnswers: 0.7,
    wheelSpinning: 0.6,
    rapidGuessing: 0.6,
    lowMastery: 0.3,
    helpRequest: 1.0,
    slowDwell: 0.5,
  },
  watchEnter: 0.4,
  watchExit: 0.25,
  strugglingEnter: 0.7,
  strugglingExit: 0.5,
  cooldownMs: 5 * 60_000,
  dailyCap: 8,
  notifyInstructorAfterWrong: 4,
  allowedInterventions: ["hint", "content_summary", "chat_offer", "prerequisite_resource", "instructor_notified"],
};

/** Overrides are a partial config; weights and BKT parameters may be given one by one. */
const OverrideSchema = v.partial(
  v.strictObject({
    ...v.omit(DetectorConfigSchema.pipe[0], ["weights", "bkt"]).entries,
    weights: v.partial(DetectorConfigSchema.pipe[0].entries.weights),
    bkt: v.partial(DetectorConfigSchema.pipe[0].entries.bkt),
  }),
);
export type DetectorConfigOverride = v.InferOutput<typeof OverrideSchema>;

export const tenantConfigKey = (tenantId: string) => `struggle:${tenantId}`;

/**
 * Merges overrides over a base config, in order. An override that is malformed, or that makes the
 * merged config inconsistent, is rejected as a whole (the base applies and the reason is returned),
 * so a typo never half-applies.
 */
export function mergeConfig(
  raw: unknown,
  base: DetectorConfig = DEFAULT_CONFIG,
): { config: DetectorConfig; error?: string } {
  if (raw === null || raw === undefined) return { config: base };
  const override = v.safeParse(OverrideSchema, raw);
  if (!override.success) return { config: base, error: override.issues[0]?.message ?? "invalid" };
  const merged = {
    ...base,
    ...override.output,
    weights: { ...base.weights, ...override.output.weights },
    bkt: { ...base.bkt, ...override.output.bkt },
  };
  const checked = v.safeParse(DetectorConfigSchema, merged);
  if (!checked.success) return { config: base, error: checked.issues[0]?.message ?? "invalid" };
  return { config: checked.output };
}

/** Reads the tenant's override from KV; a broken KV read falls back to the defaults. */
export async function loadTenantConfig(
  kv: KVNamespace,
  tenantId: string,
): Promise<{ config: DetectorConfig; error?: string }> {
  let raw: unknown;
  try {
    raw = await kv.get(tenantConfigKey(tenantId), "json");
  } catch {
    return { config: DEFAULT_CONFIG, error: "tenant config unreadable" };
  }
  return mergeConfig(raw);
}
