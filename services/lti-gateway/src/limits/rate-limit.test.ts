import { env, exports } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { bearer, tokenFor } from "../auth/test-tokens";
import { API_LIMIT, HEALTH_LIMIT, LTI_LAUNCH_LIMIT, type RateLimitClass, REGISTER_LIMIT } from "./policy";

// Each attempt uses its own client IP (CF-Connecting-IP, set by Cloudflare's edge) or user,
// so no bucket is shared between tests or attempts.
const fromIp = (ip: string, path: string, init: RequestInit = {}) =>
  exports.default.fetch(
    new Request(`http://localhost${path}`, { ...init, headers: { "CF-Connecting-IP": ip, ...init.headers } }),
  );

let nextIp = 0;
const freshIp = () => {
  nextIp += 1;
  return `198.51.${Math.floor(nextIp / 250)}.${(nextIp % 250) + 1}`;
};

/** The binding's windows are aligned to the wall clock; which one a call falls in. */
const windowOf = (limit: RateLimitClass) => Math.floor(Date.now() / (limit.periodSeconds * 1000));

/**
 * Spends a whole allowance (every call must get through), then sends one more and returns its
 * answer. Only an attempt that stayed inside one window counts: if the window rolled over
 * meanwhile, the count restarted by design, and the attempt is repeated with a fresh key.
 */
async function overLimit(
  limit: RateLimitClass,
  send: (key: string) => Promise<Response>,
  keyOf: () => string,
  last: (key: string) => Promise<Response> = send,
) {
  for (let attempt = 0; attempt < 3; attempt++) {
    const key = keyOf();
    const started = windowOf(limit);
    for (let sent = 0; sent < limit.limit; ) {
      const batch = Math.min(10, limit.limit - sent);
      const answers = await Promise.all(Array.from({ length: batch }, () => send(key)));
      for (const res of answers) {
        expect(res.status, `one of calls ${sent + 1}..${sent + batch}`).not.toBe(429);
        await res.body?.cancel();
      }
      sent += batch;
    }
    const extra = await last(key);
    if (windowOf(limit) === started) return { key, res: extra };
    await extra.body?.cancel();
  }
  throw new Error("every attempt crossed a rate limit window");
}

async function expectJson429(res: Response, limit: RateLimitClass) {
  expect(res.status).toBe(429);
  expect(res.headers.get("Retry-After")).toBe(String(limit.periodSeconds));
  expect(((await res.json()) as { error: { code: string } }).error.code).toBe("rate_limited");
}

async function expectHtml429(res: Response, limit: RateLimitClass) {
  expect(res.status).toBe(429);
  expect(res.headers.get("Retry-After")).toBe(String(limit.periodSeconds));
  expect(res.headers.get("Content-Type")).toMatch(/^text\/html/);
  expect(await res.text()).toContain("rate_limited");
}

// Spending an allowance takes up to a hundred requests; on a busy machine that outlasts 5 s.
describe("rate limits (Workers rate limiting binding, run locally by Miniflare)", { timeout: 120_000 }, () => {
  it("limits /lti/register per client IP, answering the LTI error page with Retry-After", async () => {
    const { res } = await overLimit(REGISTER_LIMIT, (ip) => fromIp(ip, "/lti/register"), freshIp);
    await expectHtml429(res, REGISTER_LIMIT);
    // Another address has its own allowance: the handler answers (400, no configuration URL).
    expect((await fromIp(freshIp(), "/lti/register")).status).toBe(400);
  });

  it("limits /lti/init and /lti/launch per client IP, in one bucket for the launch flow", async () => {
    // Spent on /lti/init; the address cannot switch to /lti/launch.
    const { res } = await overLimit(
      LTI_LAUNCH_LIMIT,
      (ip) => fromIp(ip, "/lti/init"),
      freshIp,
      (ip) => fromIp(ip, "/lti/launch", { method: "POST" }),
    );
    await expectHtml429(res, LTI_LAUNCH_LIMIT);
    expect((await fromIp(freshIp(), "/lti/init")).status).toBe(400);
  });

  it("limits /health per client IP with the JSON envelope", async () => {
    const { res } = await overLimit(HEALTH_LIMIT, (ip) => fromIp(ip, "/health"), freshIp);
    await expectJson429(res, HEALTH_LIMIT);
    // Another address is not limited (whatever the shared, cached report says).
    expect((await fromIp(freshIp(), "/health")).status).not.toBe(429);
  });

  it("limits /api per tenant and user, whatever address the calls come from", async () => {
    let users = 0;
    const tokens = new Map<string, string>();
    const userKey = () => `busy-learner-${++users}`;
    const send = async (userId: string) => {
      if (!tokens.has(userId)) tokens.set(userId, await tokenFor(env, "limit-acme", { userId }));
      // A route nobody serves still authenticates first, so each call is counted, cheaply.
      return fromIp(freshIp(), "/api/no-such-route", { headers: bearer(tokens.get(userId) ?? "") });
    };
    const { res } = await overLimit(API_LIMIT, send, userKey);
    await expectJson429(res, API_LIMIT);
    const calm = await tokenFor(env, "limit-acme", { userId: "calm-learner" });
    expect((await fromIp(freshIp(), "/api/learners/me/profile", { headers: bearer(calm) })).status).toBe(200);
  });
});
