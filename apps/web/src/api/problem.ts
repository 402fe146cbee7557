// Turns an HTTP answer into what the page should tell the person, from the contract's
// error envelope {"error":{"code","message"}} and the headers that carry meaning.
export type ProblemKind =
  | "expired"
  | "feature_disabled"
  | "forbidden"
  | "rate_limited"
  | "not_found"
  | "unavailable"
  | "invalid"
  | "network";

export class ApiProblem extends Error {
  constructor(
    readonly kind: ProblemKind,
    readonly status: number,
    readonly code: string,
    message: string,
    /** Seconds to wait before retrying (429 / 503 Retry-After). */
    readonly retryAfter?: number,
  ) {
    super(message);
    this.name = "ApiProblem";
  }
}

/** Retry-After is either delta-seconds or an HTTP date; anything else is ignored. */
export function parseRetryAfter(value: string | null, now = Date.now()): number | undefined {
  if (!value) return undefined;
  const trimmed = value.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed);
  const at = Date.parse(trimmed);
  if (Number.isNaN(at)) return undefined;
  return Math.max(0, Math.ceil((at - now) / 1000));
}

export function problemFrom(status: number, body: unknown, retryAfterHeader: string | null): ApiProblem {
  const envelope =
    typeof body === "object" && body !== null && "error" in body && typeof body.error === "object" && body.error
      ? (body.error as { code?: unknown; message?: unknown })
      : {};
  const code = typeof envelope.code === "string" ? envelope.code : `http_${status}`;
  const message = typeof envelope.message === "string" ? envelope.message : `The request failed (${status}).`;
  const retryAfter = parseRetryAfter(retryAfterHeader);
  if (status === 401) return new ApiProblem("expired", status, code, message);
  if (status === 403 && code === "feature_disabled") return new ApiProblem("feature_disabled", status, code, message);
  if (status === 403) return new ApiProblem("forbidden", status, code, message);
  if (status === 404) return new ApiProblem("not_found", status, code, message);
  if (status === 429) return new ApiProblem("rate_limited", status, code, message, retryAfter ?? 30);
  if (status >= 500) return new ApiProblem("unavailable", status, code, message, retryAfter);
  return new ApiProblem("invalid", status, code, message);
}

/** The sentence shown to a person for a problem (the server's message stays in the log). */
export function describeProblem(p: ApiProblem): string {
  switch (p.kind) {
    case "expired":
      return "Your session has expired. Please relaunch Atomic Guide from your course.";
    case "feature_disabled":
      return "This feature is turned off for your institution.";
    case "forbidden":
      return "You do not have access to this.";
    case "rate_limited":
      return `Too many requests for now. Please try again in ${p.retryAfter ?? 30} seconds.`;
    case "not_found":
      return "That could not be found.";
    case "unavailable":
      return "The service is having trouble right now. Please try again shortly.";
    case "network":
      return "Could not reach the server. Check your connection and try again.";
    default:
      return p.message;
  }
}

/** The sentence for any failure: the problem's own for an API problem, `fallback` for anything else. */
export const problemText = (err: unknown, fallback: string): string =>
  err instanceof ApiProblem ? describeProblem(err) : fallback;
