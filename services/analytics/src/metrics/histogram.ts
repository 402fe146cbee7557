/**
 * Latency summaries. A minute's p50/p95/p99 are exact (nearest rank over its samples); longer
 * windows merge per-minute histograms with logarithmic buckets (10% wide), so a window
 * percentile is within about 5% of the true value without keeping every sample.
 */

/** Nearest-rank percentile of ascending-sorted values. */
export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return 0;
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1] ?? 0;
}

const BASE_MS = 0.01;
const GROWTH = 1.1;
const LOG_GROWTH = Math.log(GROWTH);

/** Sparse histogram: bucket index -> count. Bucket 0 holds durations under 0.01 ms (timers often read 0 in Workers). */
export type Histogram = Record<string, number>;

export function bucketOf(ms: number): number {
  if (!(ms >= BASE_MS)) return 0;
  return 1 + Math.floor(Math.log(ms / BASE_MS) / LOG_GROWTH);
}

/** The value a bucket stands for: its geometric middle. */
export function bucketValue(bucket: number): number {
  if (bucket <= 0) return 0;
  const lower = BASE_MS * GROWTH ** (bucket - 1);
  return lower * Math.sqrt(GROWTH);
}

export function histogramOf(values: readonly number[]): Histogram {
  const h: Histogram = {};
  for (const value of values) {
    const key = String(bucketOf(value));
    h[key] = (h[key] ?? 0) + 1;
  }
  return h;
}

export function mergeHistograms(into: Histogram, from: Histogram): Histogram {
  for (const [key, count] of Object.entries(from)) into[key] = (into[key] ?? 0) + count;
  return into;
}

/** Nearest-rank percentile over a histogram, capped at the observed maximum. */
export function histogramPercentile(h: Histogram, p: number, maxMs: number): number {
  const buckets = Object.entries(h)
    .map(([k, c]) => [Number(k), c] as const)
    .sort((a, b) => a[0] - b[0]);
  const total = buckets.reduce((sum, [, c]) => sum + c, 0);
  if (total === 0) return 0;
  const rank = Math.max(1, Math.ceil((p / 100) * total));
  let seen = 0;
  for (const [bucket, count] of buckets) {
    seen += count;
    if (seen >= rank) return Math.min(bucketValue(bucket), maxMs);
  }
  return maxMs;
}

export function parseHistogram(json: string): Histogram {
  try {
    const parsed: unknown = JSON.parse(json);
    if (typeof parsed !== "object" || parsed === null) return {};
    const h: Histogram = {};
    for (const [k, c] of Object.entries(parsed)) if (/^\d+$/.test(k) && typeof c === "number") h[k] = c;
    return h;
  } catch {
    return {};
  }
}

export const round = (ms: number) => Math.round(ms * 1000) / 1000;
