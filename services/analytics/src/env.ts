import { EnvironmentNameSchema, parseEnv } from "@atomic-guide/shared";
import * as v from "valibot";

const Days = (fallback: string) =>
  v.pipe(
    v.optional(v.string(), fallback),
    v.regex(/^\d{1,4}$/, "must be a whole number of days"),
    v.transform(Number),
    v.minValue(1),
  );

/** Analytics vars, checked once per isolate. */
export const AnalyticsConfigSchema = v.object({
  ENVIRONMENT: EnvironmentNameSchema,
  /** Raw request and query samples. */
  RAW_RETENTION_DAYS: Days("7"),
  /** Per-minute rollups. */
  ROLLUP_RETENTION_DAYS: Days("90"),
  /** Who-read-whose-data records. */
  AUDIT_RETENTION_DAYS: Days("730"),
  /** Learning events behind instructor insight. */
  EVENT_RETENTION_DAYS: Days("400"),
});
export type AnalyticsConfig = v.InferOutput<typeof AnalyticsConfigSchema>;

export const analyticsConfig = (env: Env): AnalyticsConfig => parseEnv(AnalyticsConfigSchema, env);
