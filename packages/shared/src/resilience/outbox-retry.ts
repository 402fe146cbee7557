import { breakerOptionsFromEnv, DEFAULT_BREAKER_OPTIONS } from "./breaker";
import type { D1Outbox, FlushOptions, FlushResult } from "./outbox";

export interface BackoffOptions {
  baseMs?: number;
  maxMs?: number;
  /** 0..1, spreads retries of many DOs so a recovering D1 is not hit all at once. */
  jitter?: number;
  random?: () => number;
}

/**
 * The one retry delay of every Durable Object that retries work from its alarm (outbox flushes,
 * analytics and profile pushes): base * 2^(attempts-1), capped, with proportional jitter.
 */
export function outboxBackoffMs(attempts: number, options: BackoffOptions = {}): number {
  const base = options.baseMs ?? 1_000;
  const max = options.maxMs ?? 5 * 60_000;
  const jitter = options.jitter ?? 0.2;
  const random = options.random ?? Math.random;
  const raw = Math.min(max, base * 2 ** Math.max(0, attempts - 1));
  return Math.round(raw * (1 - jitter + 2 * jitter * random()));
}

/**
 * The backoff of a Worker's outboxes, paced by its D1 breaker: a retry never waits longer than
 * the breaker's longest cooldown, so what waited during an outage drains within one breaker
 * period of D1 coming back (a 5-minute cap left audit rows and archives waiting minutes after
 * every read had recovered). Tests that scale the breaker (D1_BREAKER_*) scale this with it.
 */
export function outboxBackoffFor(env: object): BackoffOptions {
  const breaker = { ...DEFAULT_BREAKER_OPTIONS, ...breakerOptionsFromEnv(env) };
  return { baseMs: Math.min(1_000, breaker.cooldownMs), maxMs: breaker.maxCooldownMs };
}

/**
 * Sets the DO's alarm to `at` unless a later one is already set for earlier (a DO has one alarm).
 * An alarm time already past is the alarm now running (or about to), which deletes itself when
 * it ends, so it is replaced: keeping it would lose the retry.
 */
export async function scheduleAlarmBy(storage: DurableObjectStorage, at: number): Promise<void> {
  const current = await storage.getAlarm();
  if (current === null || current > at || current <= Date.now()) await storage.setAlarm(at);
}

/**
 * Flushes the outbox and, if entries remain, schedules the DO's alarm with backoff. Call it
 * after enqueue and from `alarm()` (which must also run the DO's other alarm work, if any).
 */
export async function flushOutbox(
  storage: DurableObjectStorage,
  outbox: D1Outbox,
  d1: D1Database,
  backoff?: BackoffOptions,
  options?: FlushOptions,
): Promise<FlushResult> {
  let result: FlushResult;
  try {
    result = await outbox.flush(d1, options);
  } catch (e) {
    result = { flushed: 0, pending: outbox.pending(), error: e instanceof Error ? e.message : String(e) };
  }
  if (result.pending > 0) {
    await scheduleAlarmBy(storage, Date.now() + outboxBackoffMs(Math.max(1, outbox.headAttempts()), backoff));
  }
  return result;
}
