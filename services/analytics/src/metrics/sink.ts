import type { MetricsSink } from "@atomic-guide/shared/metrics/recorder";
import type { MetricsBatch } from "@atomic-guide/shared/metrics/schema";

/**
 * Each buffer's id, derived once per isolate: idFromName hashes the name on every call, and the
 * buffers are reached on every metrics batch and report. An id (unlike a stub) may outlive its request.
 */
const ids = new WeakMap<Env["METRICS_BUFFER"], Map<string, DurableObjectId>>();

function bufferId(namespace: Env["METRICS_BUFFER"], name: string): DurableObjectId {
  let known = ids.get(namespace);
  if (!known) {
    known = new Map();
    ids.set(namespace, known);
  }
  let id = known.get(name);
  if (!id) {
    id = namespace.idFromName(name);
    known.set(name, id);
  }
  return id;
}

/** One buffer object per service: each sees all of its service's samples, so minute rollups are exact. */
export const metricsBufferFor = (env: Env, service: string) =>
  env.METRICS_BUFFER.get(bufferId(env.METRICS_BUFFER, `metrics:${service}`));

/** Analytics' own request metrics go straight into its buffer (it has no ANALYTICS binding). */
export const localMetricsSink = (env: Env): MetricsSink => ({
  recordMetrics: (batch: MetricsBatch) => metricsBufferFor(env, batch.service).add(batch),
});
