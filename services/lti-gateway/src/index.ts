import { serveWithRouter } from "@atomic-guide/shared";
import { maintainToolKeys } from "./keys/store";
import { router } from "./routes";

export { OIDCStateDurableObject } from "./do/oidc-state";
export { ToolKeysDurableObject } from "./do/tool-keys";

const SERVICE = "lti-gateway";

export default {
  async fetch(request, env, ctx): Promise<Response> {
    return serveWithRouter(SERVICE, router, request, { env, ctx });
  },

  /** Daily: rotates tool keys older than their lifetime, unpublishes retired ones, re-wraps old-secret ones. */
  async scheduled(_controller, env, ctx): Promise<void> {
    ctx.waitUntil(maintainToolKeys(env));
  },
} satisfies ExportedHandler<Env>;
