// "No 5xx from user input, ever": every /api and /admin route, given malformed JSON, wrong
// types, missing fields and bad query strings, answers 4xx with the error envelope. Runs
// against the whole system, so a service that throws on bad input behind the gateway is caught
// too. Oversized bodies (413) are tested inside workerd instead (the gateway's forwarding and
// flags tests, and parseJsonBody which every JSON route uses): over loopback HTTP the gateway
// answers 413 from the declared length without reading the upload, and the client then sees
// the connection close mid-upload instead of the answer.
import { describe, expect, it } from "vitest";
import { type Caller, expectErrorEnvelope, expectNoInternals, useSweepSystem } from "../../support/input-sweep";

interface Route {
  method: string;
  path: string;
  /** Who may call it: the check needs a caller who gets past authentication. */
  as: Exclude<Caller, "anonymous">;
  /** Routes that take no body: only query strings are fuzzed. */
  bodyless?: boolean;
  /** Routes whose whole valid body is `{}` (the ticket route takes nothing else). */
  emptyObjectIsValid?: boolean;
  /** Bad query strings for routes that read one. */
  badQueries?: string[];
}

const ROUTES: Route[] = [
  { method: "POST", path: "/api/cognitive/signals", as: "learner" },
  { method: "GET", path: "/api/learners/me/profile", as: "learner", bodyless: true },
  {
    method: "GET",
    path: "/api/learners/me/sessions",
    as: "learner",
    bodyless: true,
    badQueries: ["limit=abc", "limit=0", "limit=101", "cursor=%%%", "cursor=not-a-cursor"],
  },
  {
    method: "GET",
    path: "/api/learners/me/interventions",
    as: "learner",
    bodyless: true,
    badQueries: ["limit=-1", "limit=1e9", "cursor=@@@"],
  },
  { method: "POST", path: "/api/interventions/int-does-not-exist/respond", as: "learner" },
  { method: "POST", path: "/api/chat/message", as: "learner" },
  { method: "GET", path: "/api/chat/conversations", as: "learner", bodyless: true },
  { method: "GET", path: "/api/chat/history/%00%01", as: "learner", bodyless: true },
  { method: "POST", path: "/api/chat/suggestion", as: "learner" },
  { method: "POST", path: "/api/realtime/ticket", as: "learner", emptyObjectIsValid: true },
  {
    method: "GET",
    path: "/api/courses/course-ae101/insights",
    as: "instructor",
    bodyless: true,
    badQueries: ["from=yesterday", "to=2026-13-45", "from=2026-11-24T00:00:00.000Z&to=2020-01-01T00:00:00.000Z"],
  },
  {
    method: "GET",
    path: "/api/analytics/overview",
    as: "instructor",
    bodyless: true,
    badQueries: ["from=x", "to=%ZZ"],
  },
  { method: "GET", path: "/api/learners/me/export", as: "learner", bodyless: true },
  { method: "POST", path: "/admin/platforms", as: "admin" },
  { method: "GET", path: "/admin/platforms", as: "admin", bodyless: true },
  { method: "POST", path: "/admin/platforms/activate", as: "admin" },
  { method: "POST", path: "/admin/platforms/deactivate", as: "admin" },
  { method: "POST", path: "/admin/platforms/delete", as: "admin" },
  { method: "POST", path: "/admin/platforms/revision/discard", as: "admin" },
  // Takes no body (it re-wraps whatever is stored), so only its authentication is swept.
  { method: "POST", path: "/admin/keys/rewrap", as: "admin", bodyless: true },
  { method: "GET", path: "/admin/tenants/uni-a/flags", as: "admin", bodyless: true },
  { method: "PUT", path: "/admin/tenants/uni-a/flags", as: "admin" },
  { method: "GET", path: "/admin/tenants/uni-a/faq", as: "admin", bodyless: true, badQueries: ["courseId=%00"] },
  { method: "POST", path: "/admin/tenants/uni-a/faq", as: "admin" },
  { method: "PUT", path: "/admin/tenants/uni-a/faq/faq-missing", as: "admin" },
  { method: "GET", path: "/admin/rollout", as: "admin", bodyless: true },
  { method: "PUT", path: "/admin/rollout/chat", as: "admin" },
  {
    method: "GET",
    path: "/admin/metrics",
    as: "admin",
    bodyless: true,
    badQueries: ["service=nope", "from=soon", "to=%"],
  },
  { method: "POST", path: "/admin/faults", as: "admin" },
];

/** Bodies that are not what any route accepts. */
const BAD_BODIES: [string, string][] = [
  ["malformed JSON", '{"unterminated": '],
  ["not JSON at all", "signals=1&message=hi"],
  ["JSON null", "null"],
  ["a JSON string", '"hello"'],
  ["a JSON number", "42"],
  ["a JSON array", "[1, 2, 3]"],
  ["an empty object (missing fields)", "{}"],
  [
    "wrong types",
    JSON.stringify({ signals: "many", message: 12, items: {}, issuer: 7, chat: "yes", action: [], trigger: 1 }),
  ],
];

describe("malformed input on every /api and /admin route", () => {
  const sweep = useSweepSystem();
  const auth = sweep.credentials;

  async function expectClientError(res: Response, what: string) {
    const text = await res.text();
    expect(res.status, `${what} answered ${res.status}: ${text.slice(0, 200)}`).toBeGreaterThanOrEqual(400);
    expect(res.status, `${what} answered ${res.status}: ${text.slice(0, 200)}`).toBeLessThan(500);
    expectErrorEnvelope(text, what);
    expectNoInternals(text, what);
  }

  const bodied = ROUTES.filter((r) => !r.bodyless);
  for (const route of bodied) {
    it(`${route.method} ${route.path}: every bad body is a 4xx envelope`, async () => {
      for (const [label, body] of BAD_BODIES) {
        if (route.emptyObjectIsValid && body === "{}") continue;
        const res = await sweep.system.fetch(route.path, {
          method: route.method,
          headers: { ...auth(route.as), "Content-Type": "application/json" },
          body,
        });
        await expectClientError(res, `${route.method} ${route.path} with ${label}`);
      }
    });
  }

  for (const route of ROUTES.filter((r) => r.badQueries)) {
    it(`${route.method} ${route.path}: every bad query string is a 4xx envelope`, async () => {
      for (const query of route.badQueries ?? []) {
        const res = await sweep.system.fetch(`${route.path}?${query}`, {
          method: route.method,
          headers: auth(route.as),
        });
        await expectClientError(res, `${route.method} ${route.path}?${query}`);
      }
    });
  }

  it("refuses every route without credentials with a 401 envelope, and none answers 5xx", async () => {
    for (const route of ROUTES) {
      const res = await sweep.system.fetch(route.path, {
        method: route.method,
        ...(route.bodyless ? {} : { body: "{}", headers: { "Content-Type": "application/json" } }),
      });
      expect(res.status, `${route.method} ${route.path}`).toBe(401);
      await expectClientError(res, `${route.method} ${route.path} unauthenticated`);
    }
  });
});
