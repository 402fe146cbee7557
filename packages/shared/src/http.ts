import { AUTH_CONTEXT_HEADER, authContextFrom } from "./auth-context";
import { errorToResponse } from "./errors";
import { createLogger, errorFields } from "./log";
import { flushMetrics, type MetricsSink, recordSample } from "./metrics/recorder";
import { beginRequestScope, endRequestScope } from "./metrics/request-scope";
import { METRIC_SERVICES, type MetricService } from "./metrics/schema";
import { requestIdFor, withRequestId } from "./request-id";

export const json = (data: unknown, init: ResponseInit = {}) => Response.json(data, init);

export interface HandlerContext {
  requestId: string;
  log: ReturnType<typeof createLogger>;
  /**
   * A streamed response's request ends when its stream does: its sample (duration, D1 time) is
   * taken when `done` settles, inside `waitUntil`, rather than when the headers go out.
   */
  measureUntil(done: Promise<unknown>): void;
}

export interface WorkerContext {
  env: object;
  ctx: ExecutionContext;
  /** Where request metrics go instead of env.ANALYTICS (analytics records into its own buffer). */
  metrics?: MetricsSink | undefined;
  /**
   * Whether an X-Atomic-Auth header names the request's tenant in metrics. True behind the
   * gateway (only the gateway can reach a service, and it replaces any client copy); false in the
   * public gateway, where the header is whatever a client sent and the tenant is known only once
   * the handler has verified a token (tagRequestTenant).
   */
  trustAuthHeader?: boolean;
}

const ROUTE_TEMPLATE = /^[\x20-\x7e]{1,200}$/;
const TENANT_SLUG = /^[a-z0-9][a-z0-9-]{0,62}$/;

const isService = (s: string): s is MetricService => (METRIC_SERVICES as readonly string[]).includes(s);

/**
 * The route template the router matched (itty-router sets `request.route`), so metrics group
 * `/api/chat/history/:conversationId` rather than one row per id. Unmatched requests never
 * report their raw path.
 */
function routeTemplateOf(request: Request): string {
  const route = (request as Request & { route?: unknown }).route;
  return typeof route === "string" && ROUTE_TEMPLATE.test(route) ? route : "(unmatched)";
}

const taggedTenants = new WeakMap<Request, string>();

/**
 * Names the tenant of a request whose identity is established inside the handler (the gateway
 * verifies the API token itself; services read X-Atomic-Auth, which is picked up on its own).
 */
export function tagRequestTenant(request: Request, tenantId: string): void {
  if (TENANT_SLUG.test(tenantId)) taggedTenants.set(request, tenantId);
}

function tenantOf(request: Request, trustAuthHeader: boolean): string | undefined {
  const tagged = taggedTenants.get(request);
  if (tagged) return tagged;
  if (!trustAuthHeader || !request.headers.has(AUTH_CONTEXT_HEADER)) return undefined;
  try {
    return authTenant(request);
  } catch {
    return undefined;
  }
}

const authTenant = (request: Request) => authContextFrom(request).tenantId;

/**
 * Wraps a fetch handler so every response carries X-Request-Id and every throw becomes the
 * error envelope. Unexpected errors are logged with the request id and answered 500 without detail.
 * Each request is measured (route template, status, duration, tenant, attributable D1 time) and
 * reported to analytics through `waitUntil`, after the response is ready, or after its stream
 * ends when the handler named that end (`measureUntil`).
 */
export async function handleWithEnvelope(
  service: string,
  request: Request,
  worker: WorkerContext,
  handler: (ctx: HandlerContext) => Promise<Response>,
): Promise<Response> {
  const started = performance.now();
  beginRequestScope();
  const requestId = requestIdFor(request);
  const log = createLogger({ service, requestId });
  let streamEnd: Promise<unknown> | undefined;
  const measureUntil = (done: Promise<unknown>) => {
    streamEnd = done;
  };
  let response: Response;
  try {
    response = withRequestId(await handler({ requestId, log, measureUntil }), requestId);
  } catch (e) {
    const failure = errorToResponse(e);
    if (failure.status >= 500) {
      log.error("unhandled error", { ...errorFields(e), path: new URL(request.url).pathname });
    }
    response = withRequestId(failure, requestId);
    streamEnd = undefined;
  }
  const { status } = response;
  const measure = () => recordRequest(service, request, worker, status, started);
  if (streamEnd) worker.ctx.waitUntil(streamEnd.then(measure, measure));
  else measure();
  return response;
}

/** Ends the request's D1 scope and records its sample: route template, status, duration, tenant. */
function recordRequest(service: string, request: Request, worker: WorkerContext, status: number, started: number) {
  const d1Ms = endRequestScope();
  if (!isService(service)) return;
  const tenantId = tenantOf(request, worker.trustAuthHeader ?? true);
  recordSample({
    kind: "request",
    service,
    route: routeTemplateOf(request),
    method: /^[A-Z]{1,16}$/.test(request.method) ? request.method : "OTHER",
    status,
    durationMs: Math.max(0, performance.now() - started),
    ...(d1Ms === undefined ? {} : { d1Ms }),
    ...(tenantId ? { tenantId } : {}),
    at: new Date().toISOString(),
  });
  flushMetrics(service, { env: worker.env, ctx: worker.ctx, sink: worker.metrics });
}
