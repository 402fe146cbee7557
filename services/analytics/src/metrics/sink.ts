import type { MetricsSink } from "@atomic-guide/shared/metrics/recorder";
import type { MetricsBatch } from "@atomic-guide/shared/metrics/schema";

/** One buffer object per service: each sees all of its service's samples, so minute rollups are exact. */
export const metricsBufferFor = (env: Env, service: string) =>
  env.METRICS_BUFFER.get(env.METRICS_BUFFER.idFromName(`metrics:${service}`));

/** Analytics' own request metrics go straight into its buffer (it has no ANALYTICS binding). */
export const localMetricsSink = (env: Env): MetricsSink => ({
  recordMetrics: (batch: MetricsBatch) => metricsBufferFor(env, batch.service).add(batch),
});
