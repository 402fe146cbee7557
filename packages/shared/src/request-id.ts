export const REQUEST_ID_HEADER = "X-Request-Id";

const SAFE_REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/** Echoes a caller's request id when it is safe to log and reflect; otherwise makes a new one. */
export function requestIdFor(request: Request): string {
  const given = request.headers.get(REQUEST_ID_HEADER);
  return given && SAFE_REQUEST_ID.test(given) ? given : crypto.randomUUID();
}

export function withRequestId(response: Response, requestId: string): Response {
  // Responses from fetch() and WebSocket upgrades have immutable headers.
  if (response.status === 101) return response;
  try {
    response.headers.set(REQUEST_ID_HEADER, requestId);
    return response;
  } catch {
    const copy = new Response(response.body, response);
    copy.headers.set(REQUEST_ID_HEADER, requestId);
    return copy;
  }
}
