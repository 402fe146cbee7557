import * as v from "valibot";

/** The one error body every `/api`, `/admin` and `/health` response uses (docs/api.md, Conventions). */
export const ErrorEnvelopeSchema = v.object({
  error: v.object({
    code: v.pipe(v.string(), v.regex(/^[a-z][a-z0-9_]*$/)),
    message: v.string(),
  }),
});
export type ErrorEnvelope = v.InferOutput<typeof ErrorEnvelopeSchema>;

/**
 * An expected failure with a stable snake_case code. Thrown inside a Worker and turned into the
 * envelope at the edge of the handler. Across RPC the `code` and `status` survive because every
 * service runs with `enhanced_error_serialization` (compatibility date >= 2026-04-21), so callers
 * check `code`, never `instanceof` (the prototype does not cross the boundary).
 */
export class ApiError extends Error {
  override readonly name = "ApiError";
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }
}

export function isApiErrorLike(e: unknown): e is { status: number; code: string; message: string } {
  if (typeof e !== "object" || e === null) return false;
  const candidate = e as Record<string, unknown>;
  return (
    typeof candidate.code === "string" &&
    typeof candidate.status === "number" &&
    typeof candidate.message === "string" &&
    candidate.status >= 400 &&
    candidate.status < 600
  );
}

export const badRequest = (code: string, message: string) => new ApiError(400, code, message);
export const unauthorized = (message = "Authentication is required.") => new ApiError(401, "unauthorized", message);
export const forbidden = (code: string, message: string) => new ApiError(403, code, message);
export const notFound = (message = "Not found.") => new ApiError(404, "not_found", message);

export function errorBody(code: string, message: string): ErrorEnvelope {
  return { error: { code, message } };
}

/** What a client may learn of a failure, whichever way the answer travels (HTTP, SSE, socket). */
export interface PublicError {
  status: number;
  code: string;
  message: string;
  /** Headers the failure asks for, such as Retry-After on a 429 or 503. */
  headers: Record<string, string>;
}

const INTERNAL: PublicError = {
  status: 500,
  code: "internal_error",
  message: "Something went wrong on our side.",
  headers: {},
};

/**
 * The one mapping from anything thrown to what a client sees. An ApiError (also one that crossed
 * RPC) is shown as written, 5xx included: a 503 `service_unavailable` with Retry-After is an
 * expected answer the client acts on. Anything else is `internal_error`, never its own message
 * or stack.
 */
export function publicError(e: unknown): PublicError {
  if (!isApiErrorLike(e)) return INTERNAL;
  const headers = (e as { headers?: Record<string, string> }).headers ?? {};
  return { status: e.status, code: e.code, message: e.message, headers };
}

/** The envelope of `publicError(e)`, for answers that are not HTTP responses (SSE events). */
export function publicErrorBody(e: unknown): ErrorEnvelope {
  const failure = publicError(e);
  return errorBody(failure.code, failure.message);
}

/** Turns anything thrown into the envelope response (see `publicError`). */
export function errorToResponse(e: unknown, headers: HeadersInit = {}): Response {
  const failure = publicError(e);
  const merged = new Headers(headers);
  for (const [name, value] of Object.entries(failure.headers)) merged.set(name, value);
  return Response.json(errorBody(failure.code, failure.message), { status: failure.status, headers: merged });
}
