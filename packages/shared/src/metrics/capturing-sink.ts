import type { MetricsSink } from "./recorder";
import type { MetricsBatch } from "./schema";

/** For tests: a metrics sink that keeps every batch it is sent, in order. */
export function capturingSink(): { sink: MetricsSink; batches: MetricsBatch[] } {
  const batches: MetricsBatch[] = [];
  const sink: MetricsSink = {
    recordMetrics: async (batch) => {
      batches.push(batch);
    },
  };
  return { sink, batches };
}
