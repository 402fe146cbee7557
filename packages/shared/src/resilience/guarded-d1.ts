import { type BreakerOptions, breakerFor, breakerOptionsFromEnv } from "./breaker";
import { classifyD1Error, isReadOnlySql, retryTransient, withD1Timeout } from "./d1-errors";
import { withD1Faults } from "./d1-faults";
import { interceptD1 } from "./intercept-d1";
import { serviceUnavailable } from "./unavailable";

export interface GuardOptions {
  /** Per call; D1 answers in milliseconds when healthy, so a few seconds means trouble. */
  timeoutMs?: number;
  breaker?: Partial<BreakerOptions>;
}

export const DEFAULT_D1_TIMEOUT_MS = 3_000;

/**
 * Puts one service's D1 binding behind its circuit breaker. Every call:
 * - fails fast with 503 + Retry-After while the breaker is open (or a half-open probe is out);
 * - is bounded by a timeout; read-only statements are retried on transient errors (writes are
 *   not: D1 may have committed them before the connection dropped);
 * - reports its outcome: a caller error (constraint, syntax) proves D1 is answering and is
 *   rethrown unchanged; an outage or timeout counts against the breaker and becomes a 503.
 */
export function withD1Breaker(db: D1Database, service: string, binding = "DB", options: GuardOptions = {}): D1Database {
  const breaker = breakerFor(service, binding, options.breaker);
  const timeoutMs = options.timeoutMs ?? DEFAULT_D1_TIMEOUT_MS;
  return interceptD1(db, async (call, run) => {
    if (!breaker.tryAcquire()) throw serviceUnavailable(breaker.retryAfterSeconds());
    const readOnly = call.kind !== "exec" && call.sql.every((sql) => isReadOnlySql(sql));
    try {
      const attempt = () => withD1Timeout(run(), timeoutMs);
      const result = await (readOnly ? retryTransient(attempt) : attempt());
      breaker.recordSuccess();
      return result;
    } catch (e) {
      const kind = classifyD1Error(e);
      if (kind === "caller") {
        breaker.recordSuccess();
        throw e;
      }
      breaker.recordFailure(e instanceof Error ? e.name : "error");
      throw serviceUnavailable(breaker.retryAfterSeconds());
    }
  });
}

/**
 * The resilience layers of a service's D1 binding, innermost first: injected faults (local and
 * test only), then the breaker, so injected outages trip it like real ones do.
 */
export function withD1Resilience(
  db: D1Database,
  env: object,
  service: string,
  binding = "DB",
  options?: GuardOptions,
): D1Database {
  // The Worker's vars (tests only) win over defaults, whoever made the breaker first.
  const fromEnv = breakerOptionsFromEnv(env);
  if (fromEnv) breakerFor(service, binding, fromEnv).configure(fromEnv);
  return withD1Breaker(withD1Faults(db, env, service), service, binding, options);
}
