import { ApiError, createLogger } from "@atomic-guide/shared";
import { isLocalDevelopment } from "../env";
import type { RateLimitClass } from "./policy";

const log = createLogger({ service: "lti-gateway", module: "rate-limit" });

/** The Workers rate limiting binding's interface (also what Miniflare provides locally). */
interface RateLimitBinding {
  limit(options: { key: string }): Promise<{ success: boolean }>;
}

function bindingOf(env: Env, name: RateLimitClass["binding"]): RateLimitBinding | undefined {
  const candidate = (env as unknown as Record<string, unknown>)[name];
  if (typeof candidate !== "object" || candidate === null) return undefined;
  return typeof (candidate as Partial<RateLimitBinding>).limit === "function"
    ? (candidate as RateLimitBinding)
    : undefined;
}

export const rateLimited = (limit: RateLimitClass) =>
  new ApiError(429, "rate_limited", "Too many requests. Wait a moment and try again.", {
    "Retry-After": String(limit.periodSeconds),
  });

/**
 * Counts one call against `key` in the class's binding; throws 429 `rate_limited` with
 * Retry-After once the limit is reached. A deployed gateway without the binding is refused
 * (fail closed): only a local run (the whole-system harness does not carry rate limit
 * bindings) goes on unlimited.
 */
export async function enforceLimit(env: Env, limit: RateLimitClass, key: string): Promise<void> {
  const binding = bindingOf(env, limit.binding);
  if (!binding) {
    if (isLocalDevelopment(env)) return;
    log.error("rate limit binding missing", { binding: limit.binding });
    throw new ApiError(503, "misconfigured", "The service is not configured correctly.");
  }
  // Keys are bounded: an IP or two slugs/ids of at most 255 characters each.
  const { success } = await binding.limit({ key });
  if (!success) throw rateLimited(limit);
}

/**
 * The client's address as Cloudflare's edge reports it (a client cannot set this header
 * through the edge). Missing only in local runs, where everyone shares one bucket.
 */
export function clientIp(request: Request): string {
  const ip = request.headers.get("CF-Connecting-IP") ?? "";
  return /^[0-9a-fA-F:.]{2,45}$/.test(ip) ? ip : "unknown";
}
