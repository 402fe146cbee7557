import { createLogger, errorFields } from "../log";
import { withTimeout } from "../timeout";
import { MAX_SAMPLES_PER_BATCH, type MetricSample, type MetricService, type MetricsBatch } from "./schema";

/** Where a service's samples go: analytics' `recordMetrics` over RPC, or analytics' own buffer. */
export interface MetricsSink {
  recordMetrics(batch: MetricsBatch): Promise<unknown>;
}

export interface MetricsWorker {
  env: object;
  ctx: Pick<ExecutionContext, "waitUntil">;
  /** Overrides the sink found in env (analytics records into its own Durable Object). */
  sink?: MetricsSink | undefined;
}

/** A send that takes longer than this is abandoned and its samples counted as dropped. */
const SEND_TIMEOUT_MS = 3000;
/** After a failed send, samples are dropped without trying for this long, so a dead analytics costs nothing. */
const BACKOFF_MS = 10_000;

/**
 * One buffer per isolate. Samples from concurrent requests share it, and whichever request
 * ends next sends everything pending; that keeps it to one RPC per request at most.
 */
const buffer: MetricSample[] = [];
const state = { dropped: 0, droppedTotal: 0, sent: 0, failures: 0, backoffUntil: 0 };
const log = createLogger({ component: "metrics" });

export function recordSample(sample: MetricSample): void {
  if (buffer.length >= MAX_SAMPLES_PER_BATCH) {
    countDropped(1);
    return;
  }
  buffer.push(sample);
}

function countDropped(n: number): void {
  state.dropped += n;
  state.droppedTotal += n;
}

/** Counters for health output and tests. */
export function metricsStats() {
  return {
    buffered: buffer.length,
    droppedPending: state.dropped,
    droppedTotal: state.droppedTotal,
    sent: state.sent,
    failures: state.failures,
  };
}

/** Finds the ANALYTICS service binding; absent in analytics itself and in tests without it. */
export function sinkFrom(env: object): MetricsSink | undefined {
  const binding = (env as { ANALYTICS?: unknown }).ANALYTICS;
  if (typeof binding !== "object" || binding === null) return undefined;
  const candidate = binding as Partial<MetricsSink>;
  return typeof candidate.recordMetrics === "function" ? (candidate as MetricsSink) : undefined;
}

/**
 * Hands everything buffered to the sink inside `waitUntil`, so the response never waits for
 * analytics. When the sink fails or none exists, the samples are dropped and counted; the count
 * travels with the next batch that gets through.
 */
export function flushMetrics(service: MetricService, worker: MetricsWorker): void {
  if (buffer.length === 0 && state.dropped === 0) return;
  const sink = worker.sink ?? sinkFrom(worker.env);
  const samples = buffer.splice(0, buffer.length);
  if (!sink || Date.now() < state.backoffUntil) {
    countDropped(samples.length);
    return;
  }
  const dropped = state.dropped;
  state.dropped = 0;
  const batch: MetricsBatch = { service, samples, at: new Date().toISOString() };
  if (dropped > 0) batch.dropped = dropped;
  worker.ctx.waitUntil(
    withTimeout(
      Promise.resolve().then(() => sink.recordMetrics(batch)),
      SEND_TIMEOUT_MS,
    ).then(
      () => {
        state.sent += samples.length;
      },
      (e: unknown) => {
        state.failures += 1;
        state.backoffUntil = Date.now() + BACKOFF_MS;
        state.dropped += dropped;
        countDropped(samples.length);
        log.warn("metrics dropped: analytics unreachable", { service, dropped: samples.length, ...errorFields(e) });
      },
    ),
  );
}

/** Test hook: forget the backoff, so one test's outage does not leak into the next. */
export function resetMetricsBackoff(): void {
  state.backoffUntil = 0;
}
