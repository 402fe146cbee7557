import { serveWithRouter } from "@atomic-guide/shared";
import { maintainToolKeys } from "./keys/store";
import { sweepAllTenants } from "./retention/daily-sweep";
import { router } from "./routes";
import { retryPendingSocketAnnouncements, SOCKET_RETRY_CRON } from "./sockets/retry";

export { OIDCStateDurableObject } from "./do/oidc-state";
export { ToolKeysDurableObject } from "./do/tool-keys";

const SERVICE = "lti-gateway";

/** The GET answer's status and headers, its body dropped unread. */
function headOf(response: Response): Response {
  void response.body?.cancel();
  return new Response(null, response);
}

export default {
  async fetch(request, env, ctx): Promise<Response> {
    // Metrics name a tenant only after the handler verified its token: a client-sent
    // X-Atomic-Auth is not evidence of anything here.
    const serve = (r: Request) => serveWithRouter(SERVICE, router, r, { env, ctx, trustAuthHeader: false });
    // HEAD is GET without the body (RFC 9110 §9.3.2); uptime monitors probe /health with it.
    // Built from the URL and headers alone: a HEAD that arrived with a body (a raw client can
    // send one) would make `new Request(request, { method: "GET" })` throw.
    if (request.method === "HEAD") {
      return headOf(await serve(new Request(request.url, { method: "GET", headers: request.headers })));
    }
    return serve(request);
  },

  /**
   * Every minute: pending socket announcements are retried. Daily: rotates tool keys older than
   * their lifetime, unpublishes retired ones, re-wraps old-secret ones; and sweeps every
   * tenant's learner data older than its retention period.
   */
  async scheduled(controller, env, ctx): Promise<void> {
    if (controller.cron === SOCKET_RETRY_CRON) {
      ctx.waitUntil(retryPendingSocketAnnouncements(env));
      return;
    }
    ctx.waitUntil(maintainToolKeys(env));
    ctx.waitUntil(sweepAllTenants(env, controller.scheduledTime));
  },
} satisfies ExportedHandler<Env>;
