import type { GatewayRouter } from "../router";
import { forwardApiRequest } from "./forwarded";
import { eraseLearner, exportLearner } from "./privacy";
import { issueTicket, upgradeWebSocket } from "./realtime";

/** /api/* and /ws/*: API token check, feature flags, forwarding to the owning service. */
export function registerApiRoutes(router: GatewayRouter): void {
  // Answered by the gateway itself; registered before the catch-all that forwards.
  router.post("/api/realtime/ticket", (request, env) => issueTicket(request, env));
  router.get("/api/learners/me/export", (request, env) => exportLearner(request, env));
  router.delete("/api/learners/me", (request, env) => eraseLearner(request, env));
  router.all("/api/*", (request, env, _ctx, hctx) => forwardApiRequest(request, env, hctx.requestId));
  router.get("/ws/chat", (request, env, _ctx, hctx) => upgradeWebSocket(request, env, hctx.requestId));
  router.get("/ws/signals", (request, env, _ctx, hctx) => upgradeWebSocket(request, env, hctx.requestId));
}
