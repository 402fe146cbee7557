// Issue 13's sweep: every route of the public contract, sent oversized, non-ASCII and
// malformed-escape input in its path, query, headers and body, by an anonymous caller and by
// one who gets past authentication. Nothing answers 5xx; every refusal is a 4xx with the error
// envelope, or on /lti/* (which the learner sees inside the LMS iframe) the HTML error page.
// Bodies stay far under the 256 KiB limit: over loopback HTTP an answer sent before a large
// upload is read (a 401, a 413) closes the connection mid-upload (malformed-input.test.ts).
import { describe, expect, it } from "vitest";
import { type Caller, expectErrorEnvelope, expectNoInternals, useSweepSystem } from "../../support/input-sweep";

interface Route {
  method: string;
  /** `{}` marks the path parameter that the hostile path variants replace. */
  path: string;
  as: Caller;
  /** Form-encoded body (the LTI POST routes); otherwise JSON. */
  form?: boolean;
  bodyless?: boolean;
}

const ROUTES: Route[] = [
  { method: "GET", path: "/lti/init", as: "anonymous", bodyless: true },
  { method: "POST", path: "/lti/init", as: "anonymous", form: true },
  { method: "POST", path: "/lti/launch", as: "anonymous", form: true },
  { method: "POST", path: "/lti/launch/verify", as: "anonymous", form: true },
  { method: "GET", path: "/lti/register", as: "anonymous", bodyless: true },
  { method: "POST", path: "/lti/deep_link", as: "learner" },
  { method: "GET", path: "/lti/config", as: "anonymous", bodyless: true },
  { method: "GET", path: "/lti/jwks", as: "anonymous", bodyless: true },
  { method: "GET", path: "/.well-known/jwks.json", as: "anonymous", bodyless: true },
  { method: "GET", path: "/health", as: "anonymous", bodyless: true },
  { method: "POST", path: "/api/cognitive/signals", as: "learner" },
  { method: "GET", path: "/api/learners/me/profile", as: "learner", bodyless: true },
  { method: "GET", path: "/api/learners/me/sessions", as: "learner", bodyless: true },
  { method: "GET", path: "/api/learners/me/interventions", as: "learner", bodyless: true },
  { method: "GET", path: "/api/learners/me/consent", as: "learner", bodyless: true },
  { method: "PUT", path: "/api/learners/me/consent", as: "learner" },
  { method: "POST", path: "/api/interventions/{}/respond", as: "learner" },
  { method: "POST", path: "/api/chat/message", as: "learner" },
  { method: "GET", path: "/api/chat/conversations", as: "learner", bodyless: true },
  { method: "GET", path: "/api/chat/history/{}", as: "learner", bodyless: true },
  { method: "POST", path: "/api/chat/suggestion", as: "learner" },
  { method: "POST", path: "/api/chat/help", as: "learner" },
  { method: "POST", path: "/api/realtime/ticket", as: "learner" },
  { method: "GET", path: "/api/courses/{}/insights", as: "instructor", bodyless: true },
  { method: "GET", path: "/api/courses/{}/help-requests", as: "instructor", bodyless: true },
  { method: "GET", path: "/api/courses/{}/guide-settings", as: "instructor", bodyless: true },
  { method: "PUT", path: "/api/courses/{}/guide-settings", as: "instructor" },
  { method: "GET", path: "/api/analytics/overview", as: "instructor", bodyless: true },
  { method: "GET", path: "/api/learners/me/export", as: "learner", bodyless: true },
  { method: "DELETE", path: "/api/learners/me", as: "learner", bodyless: true },
  { method: "GET", path: "/ws/chat", as: "learner", bodyless: true },
  { method: "GET", path: "/ws/signals", as: "learner", bodyless: true },
  { method: "POST", path: "/admin/platforms", as: "admin" },
  { method: "GET", path: "/admin/platforms", as: "admin", bodyless: true },
  { method: "POST", path: "/admin/platforms/activate", as: "admin" },
  { method: "POST", path: "/admin/platforms/deactivate", as: "admin" },
  { method: "POST", path: "/admin/platforms/delete", as: "admin" },
  { method: "POST", path: "/admin/platforms/revision/discard", as: "admin" },
  { method: "GET", path: "/admin/tenants", as: "admin", bodyless: true },
  { method: "GET", path: "/admin/tenants/{}/retention", as: "admin", bodyless: true },
  { method: "PUT", path: "/admin/tenants/{}/retention", as: "admin" },
  // Never carried out here: every body the sweep sends lacks the confirmation.
  { method: "POST", path: "/admin/tenants/{}/offboard", as: "admin" },
  { method: "GET", path: "/admin/tenants/{}/flags", as: "admin", bodyless: true },
  { method: "PUT", path: "/admin/tenants/{}/flags", as: "admin" },
  { method: "GET", path: "/admin/tenants/{}/faq", as: "admin", bodyless: true },
  { method: "POST", path: "/admin/tenants/{}/faq", as: "admin" },
  { method: "PUT", path: "/admin/tenants/uni-a/faq/{}", as: "admin" },
  { method: "DELETE", path: "/admin/tenants/uni-a/faq/{}", as: "admin", bodyless: true },
  { method: "POST", path: "/admin/keys/rotate", as: "admin" },
  { method: "POST", path: "/admin/keys/rewrap", as: "admin" },
  { method: "GET", path: "/admin/rollout", as: "admin", bodyless: true },
  { method: "PUT", path: "/admin/rollout/{}", as: "admin" },
  { method: "DELETE", path: "/admin/rollout/{}", as: "admin", bodyless: true },
  { method: "PUT", path: "/admin/rollout/tenants/{}", as: "admin" },
  { method: "DELETE", path: "/admin/rollout/tenants/{}", as: "admin", bodyless: true },
  { method: "GET", path: "/admin/faults", as: "admin", bodyless: true },
  { method: "GET", path: "/admin/metrics", as: "admin", bodyless: true },
];

const LONG = "x".repeat(8 * 1024);
/** Path parameter values: malformed escapes, encoded non-ASCII and control bytes, oversized. */
const HOSTILE_SEGMENTS = ["%", "%zz", "%E0%A4%A", "%C3%A9t%C3%A9", "%F0%9F%92%A5", "%00%0A", "%FF%FE", LONG];
/** The segments above that no decoder accepts: the contract's 400 `invalid_path`, on every route. */
const MALFORMED_SEGMENTS = new Set(["%", "%zz", "%E0%A4%A", "%FF%FE"]);
/** Query strings: the same, in both names and values, and an oversized one. */
const HOSTILE_QUERIES = [
  "iss=%&client_id=%zz&login_hint=%E0%A4%A",
  "openid_configuration=%ZZ&registration_token=%",
  "cursor=%C3%A9&limit=%F0%9F%92%A5&from=%FF&to=%00",
  "courseId=%&service=%zz&ticket=%E0",
  `%zz=%&${"q".repeat(100)}=${"%C3%A9".repeat(2000)}`,
  `iss=${encodeURIComponent(`https://lms.example.edu/${"a".repeat(4000)}`)}&client_id=${"c".repeat(4000)}`,
];
/** Header values: Latin-1 bytes (what fetch lets through), oversized, odd credentials. */
const HOSTILE_HEADERS: Record<string, string>[] = [
  { "X-Request-Id": "\u00e9\u00e8\u00ff".repeat(100) },
  { "X-Request-Id": LONG, "User-Agent": LONG },
  { Cookie: `lti_state=${"\u00e9".repeat(4000)}; other=%zz` },
  { Authorization: `Bearer ${"\u00e9".repeat(50)}` },
  { Authorization: `Bearer ${"a".repeat(9000)}` },
  { "X-Atomic-Auth": "\u00e9%zz".repeat(500), "CF-Connecting-IP": "\u00e9" },
  { "Content-Type": "application/json; charset=\u00e9\u00e9", Accept: "\u00ff/\u00ff" },
];
/** Bodies under the size limit that no route accepts. */
const HOSTILE_BODIES: { json: string; form: string }[] = [
  { json: '{"message":"%zz%E0%A4%A"}', form: "id_token=%zz&state=%E0%A4%A&error=%" },
  { json: JSON.stringify({ message: "\u00e9\u{1F4A5}".repeat(3000) }), form: `id_token=${"%C3%A9".repeat(3000)}` },
  { json: `{"${"k".repeat(20_000)}": 1}`, form: `state=${"s".repeat(20_000)}` },
  { json: "\u00ff\u00fe\u0000garbage", form: "%%%&&&===" },
  // Lone surrogates, valid JSON escapes that no URL, KV key or UTF-8 encoder accepts.
  {
    json: '{"issuer":"https://lms.example.edu/\\ud800","clientId":"\\ud800","message":"\\udc00","tenantId":"\\ud800"}',
    form: "iss=%ED%A0%80&client_id=%ED%A0%80",
  },
];

const errorPageRoute = (path: string) => path.startsWith("/lti/") && path !== "/lti/deep_link";

describe("hostile input on every route of the contract (issue 13)", { timeout: 300_000 }, () => {
  const sweep = useSweepSystem();
  const { credentials } = sweep;

  /** Never 5xx; a refusal is a 4xx with the envelope (or the HTML error page on /lti/*). */
  async function expectNoServerError(route: Route, res: Response, what: string, mustRefuse = false) {
    const text = await res.text();
    const summary = `${what} answered ${res.status}: ${text.slice(0, 200)}`;
    expect(res.status, summary).toBeLessThan(500);
    if (mustRefuse) expect(res.status, summary).toBeGreaterThanOrEqual(400);
    expectNoInternals(text, what);
    if (res.status < 400) return;
    if (errorPageRoute(route.path)) {
      expect(res.headers.get("Content-Type"), summary).toMatch(/^text\/html/);
      expect(text, summary).toMatch(/data-error-code="[a-z_]+"/);
      return;
    }
    expectErrorEnvelope(text, summary);
  }

  const concrete = (path: string, segment = "uni-a") => path.replace("{}", segment);

  async function send(route: Route, path: string, init: { headers?: Record<string, string>; body?: string } = {}) {
    const contentType = route.form ? "application/x-www-form-urlencoded" : "application/json";
    return sweep.system.fetch(path, {
      method: route.method,
      redirect: "manual",
      headers: {
        ...credentials(route.as),
        ...(route.bodyless ? {} : { "Content-Type": contentType }),
        ...(route.path.startsWith("/ws/") ? { Upgrade: "websocket" } : {}),
        ...init.headers,
      },
      ...(route.bodyless ? {} : { body: init.body ?? (route.form ? "" : "{}") }),
    });
  }

  for (const route of ROUTES.filter((r) => r.path.includes("{}"))) {
    it(`${route.method} ${route.path}: hostile path parameters are refused with a 4xx`, async () => {
      for (const segment of HOSTILE_SEGMENTS) {
        const res = await send(route, concrete(route.path, segment));
        const what = `${route.method} ${concrete(route.path, segment.slice(0, 20))}`;
        if (MALFORMED_SEGMENTS.has(segment)) {
          const text = await res.clone().text();
          expect(res.status, `${what} answered ${res.status}: ${text.slice(0, 200)}`).toBe(400);
          expect(text, what).toContain('"code":"invalid_path"');
        }
        await expectNoServerError(route, res, what, true);
      }
    });
  }

  for (const route of ROUTES) {
    it(`${route.method} ${route.path}: hostile queries, headers and bodies never answer 5xx`, async () => {
      for (const query of HOSTILE_QUERIES) {
        const res = await send(route, `${concrete(route.path)}?${query}`);
        await expectNoServerError(route, res, `${route.method} ${route.path}?${query.slice(0, 40)}`);
      }
      for (const headers of HOSTILE_HEADERS) {
        const res = await send(route, concrete(route.path), { headers });
        await expectNoServerError(route, res, `${route.method} ${route.path} with ${Object.keys(headers).join(",")}`);
      }
      if (route.bodyless) return;
      for (const body of HOSTILE_BODIES) {
        const res = await send(route, concrete(route.path), { body: route.form ? body.form : body.json });
        await expectNoServerError(route, res, `${route.method} ${route.path} with body ${body.json.slice(0, 30)}`);
      }
    });
  }

  it("answers an unknown route under every prefix with a 4xx, whatever its path holds", async () => {
    for (const prefix of ["/lti/", "/.well-known/", "/api/", "/ws/", "/admin/", "/health/"]) {
      for (const segment of HOSTILE_SEGMENTS) {
        const route: Route = { method: "GET", path: `${prefix}${segment}`, as: "anonymous", bodyless: true };
        const res = await send(route, route.path);
        await expectNoServerError(route, res, `GET ${prefix}${segment.slice(0, 20)}`, true);
      }
    }
  });
});
