import { TimeoutError, withTimeout } from "../timeout";

/**
 * How a failed D1 call is treated. Three kinds:
 * - transient: D1 documents these as safe to retry (retry-queries.mdx); retried a few times first;
 * - caller: the statement itself is wrong (constraint, syntax); D1 answered, so the breaker stays
 *   closed and the error goes back to the caller unchanged;
 * - outage: anything else, including timeouts; counts against the circuit breaker.
 */
export type D1FailureKind = "transient" | "caller" | "outage";

const TRANSIENT = [
  "network connection lost",
  "storage caused object to be reset",
  "reset because its code was updated",
  "internal error while starting up d1 db storage",
];
const CALLER = [
  "constraint failed",
  "sqlite_constraint",
  "syntax error",
  "sqlite_error",
  "no such column",
  // A missing table is a missing migration, not an outage: the breaker would not help.
  "no such table",
  "datatype mismatch",
  "too many sql variables",
  "wrong number of bindings",
  "type '",
];

const messageOf = (e: unknown) => (e instanceof Error ? e.message : String(e)).toLowerCase();

export function classifyD1Error(e: unknown): D1FailureKind {
  if (e instanceof TimeoutError) return "outage";
  const message = messageOf(e);
  if (TRANSIENT.some((t) => message.includes(t))) return "transient";
  if (CALLER.some((t) => message.includes(t))) return "caller";
  return "outage";
}

/** A D1 call that outlived its timeout; named apart so the breaker's last failure says "D1". */
export class D1TimeoutError extends TimeoutError {
  override readonly name = "D1TimeoutError";
  constructor(timeoutMs: number) {
    super(timeoutMs, "D1");
  }
}

/** Rejects with D1TimeoutError when `work` has not settled in time (the work itself is not cancelled). */
export const withD1Timeout = <T>(work: Promise<T>, timeoutMs: number): Promise<T> =>
  withTimeout(work, timeoutMs, () => new D1TimeoutError(timeoutMs));

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export interface RetryOptions {
  /** Extra attempts after the first, for transient errors only. */
  retries?: number;
  baseDelayMs?: number;
}

/** Runs `attempt` again on transient D1 errors only, with a short exponential pause. */
export async function retryTransient<T>(attempt: () => Promise<T>, options: RetryOptions = {}): Promise<T> {
  const retries = options.retries ?? 2;
  const base = options.baseDelayMs ?? 25;
  for (let n = 0; ; n++) {
    try {
      return await attempt();
    } catch (e) {
      if (n >= retries || classifyD1Error(e) !== "transient") throw e;
      await sleep(base * 2 ** n);
    }
  }
}

/** Read-only statements may be retried freely; D1 itself retries them too. */
export function isReadOnlySql(sql: string): boolean {
  if (/^\s*(select|explain)\b/i.test(sql)) return true;
  return /^\s*with\b/i.test(sql) && !/\b(insert|update|delete|replace)\b/i.test(sql);
}
