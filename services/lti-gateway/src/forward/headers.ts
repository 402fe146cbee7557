import { AUTH_CONTEXT_HEADER, type AuthContext, encodeAuthContext, FLAGS_HEADER } from "@atomic-guide/shared";
import type { TenantFlags } from "../flags/store";
import type { ForwardService } from "./routes";

export const AI_PROVIDER_HEADER = "X-Atomic-Ai-Provider";
export { FLAGS_HEADER };
/** Analytics' small-group suppression threshold, from the tenant's settings only. */
export const INSIGHT_MIN_GROUP_HEADER = "X-Atomic-Insight-Min-Group";

/**
 * Headers a client must never be able to set on a forwarded request: the whole X-Atomic-*
 * namespace (identity, flags, provider, degraded markers), the version routing headers (a client
 * could otherwise pin itself to an undeployed candidate), and credentials the services do not
 * need (the API token has been verified and is replaced by X-Atomic-Auth; cookies are the
 * gateway's own).
 */
function isReserved(name: string): boolean {
  const lower = name.toLowerCase();
  return (
    lower.startsWith("x-atomic-") ||
    lower.startsWith("cloudflare-workers-version-") ||
    lower === "authorization" ||
    lower === "cookie"
  );
}

export function forwardedHeaders(
  incoming: Headers,
  opts: {
    service: ForwardService;
    auth: AuthContext;
    flags: TenantFlags;
    version: Record<string, string>;
    keepContentLength: boolean;
  },
): Headers {
  const headers = new Headers();
  for (const [name, value] of incoming) {
    if (isReserved(name)) continue;
    if (!opts.keepContentLength && (name === "content-length" || name === "transfer-encoding")) continue;
    headers.set(name, value);
  }
  headers.set(AUTH_CONTEXT_HEADER, encodeAuthContext(opts.auth));
  headers.set(FLAGS_HEADER, JSON.stringify(opts.flags));
  if (opts.service === "chat") headers.set(AI_PROVIDER_HEADER, opts.flags.aiProvider);
  if (opts.service === "analytics") headers.set(INSIGHT_MIN_GROUP_HEADER, String(opts.flags.insightMinGroupSize));
  for (const [name, value] of Object.entries(opts.version)) headers.set(name, value);
  return headers;
}
