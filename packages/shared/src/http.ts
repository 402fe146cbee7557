import { errorToResponse } from "./errors";
import { createLogger, errorFields } from "./log";
import { requestIdFor, withRequestId } from "./request-id";

export const json = (data: unknown, init: ResponseInit = {}) => Response.json(data, init);

export interface HandlerContext {
  requestId: string;
  log: ReturnType<typeof createLogger>;
}

export interface WorkerContext {
  env: object;
  ctx: ExecutionContext;
}

/**
 * Wraps a fetch handler so every response carries X-Request-Id and every throw becomes the
 * error envelope. Unexpected errors are logged with the request id and answered 500 without detail.
 */
export async function handleWithEnvelope(
  service: string,
  request: Request,
  _worker: WorkerContext,
  handler: (ctx: HandlerContext) => Promise<Response>,
): Promise<Response> {
  // `_worker` is where request metrics (issue 6) report from, through ctx.waitUntil.
  const requestId = requestIdFor(request);
  const log = createLogger({ service, requestId });
  try {
    return withRequestId(await handler({ requestId, log }), requestId);
  } catch (e) {
    const response = errorToResponse(e);
    if (response.status >= 500) {
      log.error("unhandled error", { ...errorFields(e), path: new URL(request.url).pathname });
    }
    return withRequestId(response, requestId);
  }
}
