import { ApiError } from "@atomic-guide/shared";
import { withLtiErrorPage } from "../lti/errors";
import { clientIp, enforceLimit } from "./limiter";
import { anonymousLimitFor } from "./policy";

/**
 * Router middleware, first in line: limits the anonymous routes by client IP. Returns nothing
 * (the router goes on) or throws/answers the 429: an HTML page on /lti/* (what the LMS iframe
 * shows), the JSON envelope elsewhere, both with Retry-After.
 */
export async function limitAnonymous(request: Request, env: Env): Promise<Response | undefined> {
  const pathname = new URL(request.url).pathname;
  const limit = anonymousLimitFor(pathname);
  if (!limit) return undefined;
  try {
    await enforceLimit(env, limit, `${limit.binding}:${clientIp(request)}`);
    return undefined;
  } catch (e) {
    if (!pathname.startsWith("/lti/") || !(e instanceof ApiError) || e.status >= 500) throw e;
    const page = await withLtiErrorPage(() => Promise.reject(e));
    for (const [name, value] of Object.entries(e.headers)) page.headers.set(name, value);
    return page;
  }
}
