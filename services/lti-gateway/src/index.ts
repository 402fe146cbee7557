import { handleWithEnvelope } from "@atomic-guide/shared";
import { router } from "./routes";

export { OIDCStateDurableObject } from "./do/oidc-state";

const SERVICE = "lti-gateway";

export default {
  async fetch(request, env, ctx): Promise<Response> {
    return handleWithEnvelope(SERVICE, request, { env, ctx }, () => router.fetch(request, env, ctx));
  },
} satisfies ExportedHandler<Env>;
