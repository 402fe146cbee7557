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
 * Samples wait this long for the requests that end after theirs, then go to analytics in ONE
 * RPC: per request, the send (an RPC hop, the buffer object's storage writes and alarm check)
 * cost analytics more than the request it measured.
 */
export const SEND_DELAY_MS = 250;
/** A buffer this full goes at once, without waiting out the delay. */
export const SEND_AT_SAMPLES = 200;

/**
 * One buffer per isolate. Samples from concurrent requests share it; the first request to end
 * with nothing scheduled schedules one send (in its own `waitUntil`, so the response never
 * waits), which takes everything buffered when it runs.
 */
const buffer: MetricSample[] = [];
const state = { dropped: 0, droppedTotal: 0, sent: 0, failures: 0, backoffUntil: 0, sends: 0 };
/**
 * When the scheduled send must have run by. A send whose request context was torn down before its
 * timer fired never clears this; past the deadline the next request schedules a new one.
 */
let sendDueBy: number | undefined;
/** The send scheduled last, for tests that must see it land before they go on. */
let scheduled: Promise<unknown> | undefined;
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
    /** RPCs made (one per send, whatever the number of samples in it). */
    sends: state.sends,
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
 * Called as each request ends: makes sure a send is scheduled that takes this request's samples
 * to the sink inside `waitUntil`, at most SEND_DELAY_MS later, together with those of every
 * request that ends meanwhile. The delay is spent in a `waitUntil`, which the runtime lets finish
 * after the response (up to 30 s) and before an idle isolate is evicted; only an isolate killed
 * outright (crash, exceeded limits) loses the samples it holds, as it loses a send in flight.
 * When the sink fails or none exists, the samples are dropped and counted; the count travels
 * with the next batch that gets through.
 */
export function flushMetrics(service: MetricService, worker: MetricsWorker): void {
  if (buffer.length === 0 && state.dropped === 0) return;
  const now = Date.now();
  const full = buffer.length >= SEND_AT_SAMPLES;
  if (!full && sendDueBy !== undefined && now <= sendDueBy) return;
  const delayMs = full ? 0 : SEND_DELAY_MS;
  sendDueBy = now + delayMs + SEND_TIMEOUT_MS;
  scheduled = new Promise((resolve) => setTimeout(resolve, delayMs)).then(() => {
    sendDueBy = undefined;
    return send(service, worker);
  });
  worker.ctx.waitUntil(scheduled);
}

function send(service: MetricService, worker: MetricsWorker): Promise<void> | undefined {
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
  state.sends += 1;
  return withTimeout(
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
  );
}

/** Test hook: resolves once the send scheduled last has run (its samples delivered or counted dropped). */
export async function metricsSendSettled(): Promise<void> {
  await scheduled;
}

/** Test hook: forget the backoff, so one test's outage does not leak into the next. */
export function resetMetricsBackoff(): void {
  state.backoffUntil = 0;
}
