import * as v from "valibot";

/** The one error body every `/api`, `/admin` and `/health` response uses (CONTRACT.md, Conventions). */
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

/** Turns anything thrown into the envelope. Unknown errors never leak their message or stack. */
export function errorToResponse(e: unknown, headers: HeadersInit = {}): Response {
  if (isApiErrorLike(e)) {
    const extra = (e as { headers?: Record<string, string> }).headers ?? {};
    return Response.json(errorBody(e.code, e.message), {
      status: e.status,
      headers: { ...Object.fromEntries(new Headers(headers)), ...extra },
    });
  }
  return Response.json(errorBody("internal_error", "Something went wrong on our side."), {
    status: 500,
    headers,
  });
}
