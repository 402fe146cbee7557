/**
 * Who may call how often. Each class has its own Workers rate limiting binding, declared in
 * wrangler.jsonc with the same limit and period (the binding holds the count; the period here
 * only tells a refused caller when to come back).
 */
export type RateLimitBindingName = "RATE_LIMIT_LTI" | "RATE_LIMIT_REGISTER" | "RATE_LIMIT_HEALTH" | "RATE_LIMIT_API";

export interface RateLimitClass {
  binding: RateLimitBindingName;
  /** Seconds; the rate limiting binding supports 10 and 60. */
  periodSeconds: 10 | 60;
  limit: number;
}

/**
 * Per client IP: 10 a second sustained. A campus behind one NAT launches a whole class at
 * once, hence the headroom; a short period so one burst does not lock a class out for a minute.
 */
export const LTI_LAUNCH_LIMIT: RateLimitClass = { binding: "RATE_LIMIT_LTI", periodSeconds: 10, limit: 100 };
/** Per client IP. Each call fetches a configuration and stores a pending registration. */
export const REGISTER_LIMIT: RateLimitClass = { binding: "RATE_LIMIT_REGISTER", periodSeconds: 60, limit: 10 };
/** Per client IP. Monitors poll every few seconds at most; the report is cached anyway. */
export const HEALTH_LIMIT: RateLimitClass = { binding: "RATE_LIMIT_HEALTH", periodSeconds: 60, limit: 60 };
/** Per tenant and user, after the API token is verified: 10 a second sustained, far above the web app's use. */
export const API_LIMIT: RateLimitClass = { binding: "RATE_LIMIT_API", periodSeconds: 10, limit: 100 };

/**
 * The anonymous routes limited by the caller's IP. Each of these costs a Durable Object, a
 * platform fetch or a fan-out to every service before anything authenticates the caller.
 */
export function anonymousLimitFor(pathname: string): RateLimitClass | null {
  if (pathname === "/lti/init" || pathname === "/lti/launch" || pathname === "/lti/launch/verify") {
    return LTI_LAUNCH_LIMIT;
  }
  if (pathname === "/lti/register") return REGISTER_LIMIT;
  if (pathname === "/health") return HEALTH_LIMIT;
  return null;
}
