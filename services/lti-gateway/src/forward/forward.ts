import {
  ApiError,
  type AuthContext,
  carriedFlags,
  createLogger,
  errorFields,
  REQUEST_ID_HEADER,
} from "@atomic-guide/shared";
import { versionHeadersFor } from "@atomic-guide/shared/rpc/version-pins";
import type { TenantFlags } from "../flags/store";
import { forwardableBody } from "./body";
import { forwardedHeaders } from "./headers";
import type { ForwardService } from "./routes";

const log = createLogger({ service: "lti-gateway", module: "forward" });

function bindingOf(env: Env, service: ForwardService): Fetcher {
  switch (service) {
    case "chat":
      return env.CHAT;
    case "struggle-detector":
      return env.STRUGGLE_DETECTOR;
    case "analytics":
      return env.ANALYTICS;
  }
}

/**
 * Forwards a verified request to its owning service with fetch over the binding: same method,
 * path and query (`url` may drop gateway-only parameters), body streamed, the verified caller
 * in X-Atomic-Auth. fetch rather than RPC because WebSocket upgrades and streamed answers need
 * it and because version headers act only on fetch. The service's response (a 101 upgrade, an
 * SSE stream) goes back as it is.
 */
export async function forwardToService(
  env: Env,
  request: Request,
  target: {
    service: ForwardService;
    auth: AuthContext;
    flags: TenantFlags;
    /** Drops gateway-only query parameters (the realtime ticket). */
    url?: URL;
    /** The gateway's request id, so the service logs under the same one. */
    requestId?: string;
  },
): Promise<Response> {
  const { body, streamed } = await forwardableBody(request);
  const headers = forwardedHeaders(request.headers, {
    service: target.service,
    // The flags ride in the caller too, so the service can honour them on the RPC calls it makes.
    auth: { ...target.auth, flags: carriedFlags(target.flags) },
    flags: target.flags,
    // The caller's pins were read when it was authenticated (auth/caller.ts).
    version: versionHeadersFor(env.ENVIRONMENT, target.service, target.auth),
    keepContentLength: streamed,
  });
  if (target.requestId) headers.set(REQUEST_ID_HEADER, target.requestId);
  const forwarded = new Request(target.url ?? request.url, {
    method: request.method,
    headers,
    body,
    redirect: "manual",
  });
  try {
    return await bindingOf(env, target.service).fetch(forwarded);
  } catch (e) {
    log.error("service unreachable", { targetService: target.service, ...errorFields(e) });
    throw new ApiError(503, "service_unavailable", "That part of the tool is unavailable right now.", {
      "Retry-After": "5",
    });
  }
}
