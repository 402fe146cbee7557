import * as v from "valibot";

/**
 * Every threshold and weight of the detector in one place. docs/struggle-detection.md gives the
 * reasoning behind each default; a tenant overrides any subset through KV TENANT_CONFIG
 * (`struggle:<tenantId>` -> JSON), validated against the same schema.
 */
const ms = (min: number, max: number) => v.pipe(v.number(), v.integer(), v.minValue(min), v.maxValue(max));
const unit = v.pipe(v.number(), v.minValue(0), v.maxValue(1));
const weight = v.pipe(v.number(), v.minValue(0), v.maxValue(5));
const count = (min: number, max: number) => v.pipe(v.number(), v.integer(), v.minValue(min), v.maxValue(max));

export const DetectorConfigSchema = v.pipe(
  v.strictObject({
    longHoverMs: ms(500, 60_000),
    idleMs: ms(5_000, 600_000),
    scrollReversals: count(2, 20),
    scrollWindowMs: ms(1_000, 120_000),
    answerChanges: count(2, 20),
    wrongAttemptsInARow: count(1, 10),
    /** A dwell counts as slow when it is this many times the learner's running median. */
    slowDwellRatio: v.pipe(v.number(), v.minValue(1.5), v.maxValue(20)),
    /** The median is trusted only after this many dwell samples. */
    slowDwellMinSamples: count(3, 200),
    /** Dwells shorter than this never count as slow, whatever the median. */
    slowDwellFloorMs: ms(1_000, 600_000),
    evidenceHalfLifeMs: ms(5_000, 1_800_000),
    weights: v.strictObject({
      longHover: weight,
      idle: weight,
      scrollReversal: weight,
      answerChanges: weight,
      wrongAttempts: weight,
      helpRequest: weight,
      slowDwell: weight,
    }),
    watchEnter: unit,
    watchExit: unit,
    strugglingEnter: unit,
    strugglingExit: unit,
    cooldownMs: ms(0, 86_400_000),
    dailyCap: count(0, 100),
    /** Wrong attempts in a row at which the instructor is told instead of the learner being hinted. */
    notifyInstructorAfterWrong: count(2, 50),
  }),
  v.check(
    (c) => c.watchExit < c.watchEnter && c.strugglingExit < c.strugglingEnter && c.watchEnter < c.strugglingEnter,
    "levels need exit < enter and watch < struggling",
  ),
  v.check((c) => c.watchExit <= c.strugglingExit, "watchExit must not exceed strugglingExit"),
);
export type DetectorConfig = v.InferOutput<typeof DetectorConfigSchema>;

export const DEFAULT_CONFIG: DetectorConfig = {
  longHoverMs: 3_000,
  idleMs: 30_000,
  scrollReversals: 4,
  scrollWindowMs: 15_000,
  answerChanges: 3,
  wrongAttemptsInARow: 2,
  slowDwellRatio: 3,
  slowDwellMinSamples: 8,
  slowDwellFloorMs: 10_000,
  evidenceHalfLifeMs: 120_000,
  weights: {
    longHover: 0.3,
    idle: 0.35,
    scrollReversal: 0.5,
    answerChanges: 0.6,
    wrongAttempts: 0.8,
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
};

/** Overrides are a partial config; weights may be given one by one. */
const OverrideSchema = v.partial(
  v.strictObject({
    ...v.omit(DetectorConfigSchema.pipe[0], ["weights"]).entries,
    weights: v.partial(DetectorConfigSchema.pipe[0].entries.weights),
  }),
);
export type DetectorConfigOverride = v.InferOutput<typeof OverrideSchema>;

export const tenantConfigKey = (tenantId: string) => `struggle:${tenantId}`;

/**
 * Merges a tenant's override over the defaults. An override that is malformed, or that makes the
 * merged config inconsistent, is rejected as a whole (returns the defaults and the reason), so a
 * typo in KV never half-applies.
 */
export function mergeConfig(raw: unknown): { config: DetectorConfig; error?: string } {
  if (raw === null || raw === undefined) return { config: DEFAULT_CONFIG };
  const override = v.safeParse(OverrideSchema, raw);
  if (!override.success) return { config: DEFAULT_CONFIG, error: override.issues[0]?.message ?? "invalid" };
  const merged = {
    ...DEFAULT_CONFIG,
    ...override.output,
    weights: { ...DEFAULT_CONFIG.weights, ...override.output.weights },
  };
  const checked = v.safeParse(DetectorConfigSchema, merged);
  if (!checked.success) return { config: DEFAULT_CONFIG, error: checked.issues[0]?.message ?? "invalid" };
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
