import { isApiErrorLike } from "@atomic-guide/shared";
import { errorPage } from "./html";

/**
 * A launch-flow failure: 400 when the request is malformed, 401 when it failed a security
 * check. Shown as an HTML page (the user sees it inside the LMS iframe) with its own code.
 */
export class LtiError extends Error {
  override readonly name = "LtiError";
  /** Platform origins allowed to frame the error page, when the failing request names a known platform. */
  frameOrigins: string[] = [];
  constructor(
    readonly status: 400 | 401 | 403 | 404 | 502,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

export const malformed = (code: string, message: string) => new LtiError(400, code, message);
export const rejected = (code: string, message: string) => new LtiError(401, code, message);

/** Runs `fn`; an LtiError it throws may be framed by these platform origins. */
export async function framedBy<T>(origins: string[], fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (e) {
    if (e instanceof LtiError) e.frameOrigins = origins;
    throw e;
  }
}

/** Runs an /lti handler and turns any failure into the HTML error page. */
export async function withLtiErrorPage(handler: () => Promise<Response>): Promise<Response> {
  try {
    return await handler();
  } catch (e) {
    if (e instanceof LtiError) return errorPage(e.status, e.code, e.message, e.frameOrigins);
    if (isApiErrorLike(e) && e.status < 500) return errorPage(e.status, e.code, e.message);
    // Anything else is a bug or an outage: a fixed text, never the exception's (finding 11).
    console.error(JSON.stringify({ event: "lti_unexpected_error", error: String(e).slice(0, 500) }));
    return errorPage(500, "internal_error", "Something went wrong on our side. Launch the tool again.");
  }
}
