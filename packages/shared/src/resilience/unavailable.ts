import { ApiError } from "../errors";

/** Seconds a client should wait before retrying when nothing else is known. */
export const DEFAULT_RETRY_AFTER_SECONDS = 5;

/**
 * The answer for a write that cannot wait in an outbox (or a read with no snapshot) while D1 is
 * unavailable: 503 with `Retry-After`, so clients back off and retry instead of losing the write.
 */
export function serviceUnavailable(
  retryAfterSeconds = DEFAULT_RETRY_AFTER_SECONDS,
  message = "This feature is briefly unavailable; please retry shortly.",
): ApiError {
  const seconds = Math.max(1, Math.ceil(retryAfterSeconds));
  return new ApiError(503, "d1_unavailable", message, { "Retry-After": String(seconds) });
}
