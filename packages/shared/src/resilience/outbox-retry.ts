import type { D1Outbox, FlushResult, OutboxEntryInput } from "./outbox";

export interface BackoffOptions {
  baseMs?: number;
  maxMs?: number;
  /** 0..1, spreads retries of many DOs so a recovering D1 is not hit all at once. */
  jitter?: number;
  random?: () => number;
}

/** Exponential backoff: base * 2^(attempts-1), capped, with proportional jitter. */
export function outboxBackoffMs(attempts: number, options: BackoffOptions = {}): number {
  const base = options.baseMs ?? 1_000;
  const max = options.maxMs ?? 5 * 60_000;
  const jitter = options.jitter ?? 0.2;
  const random = options.random ?? Math.random;
  const raw = Math.min(max, base * 2 ** Math.max(0, attempts - 1));
  return Math.round(raw * (1 - jitter + 2 * jitter * random()));
}

/** Sets the DO's alarm to `at` unless one is already due earlier (a DO has one alarm). */
export async function scheduleAlarmBy(storage: DurableObjectStorage, at: number): Promise<void> {
  const current = await storage.getAlarm();
  if (current === null || current > at) await storage.setAlarm(at);
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
): Promise<FlushResult> {
  let result: FlushResult;
  try {
    result = await outbox.flush(d1);
  } catch (e) {
    result = { flushed: 0, pending: outbox.pending(), error: e instanceof Error ? e.message : String(e) };
  }
  if (result.pending > 0) {
    await scheduleAlarmBy(storage, Date.now() + outboxBackoffMs(Math.max(1, outbox.headAttempts()), backoff));
  }
  return result;
}

/**
 * The usual write path of a DO that owns an outbox: queue, try at once, leave the rest to the
 * alarm. `queued` tells the caller the write is durable but not yet in D1.
 */
export async function writeThroughOutbox(
  storage: DurableObjectStorage,
  outbox: D1Outbox,
  d1: D1Database,
  entry: OutboxEntryInput,
): Promise<{ queued: boolean; result: FlushResult }> {
  outbox.enqueue(entry);
  const result = await flushOutbox(storage, outbox, d1);
  return { queued: outbox.has(entry.idempotencyKey), result };
}
