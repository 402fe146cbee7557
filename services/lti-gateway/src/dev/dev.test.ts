import { env, exports } from "cloudflare:workers";
import { afterEach, describe, expect, it, vi } from "vitest";
import worker from "../index";
import { launchJson } from "../lti/test-harness";

const ORIGIN = "http://localhost";
const get = (path: string, init: RequestInit = {}) => exports.default.fetch(new Request(`${ORIGIN}${path}`, init));
const ctx = { waitUntil: () => {}, passThroughOnException: () => {}, props: {} } as unknown as ExecutionContext;
const DEV_PATHS = ["/", "/dev/course/equations?role=learner", "/dev/course.js", "/dev/lms/launch?role=learner"];

afterEach(() => vi.restoreAllMocks());

describe("the local-development launcher and sample course", () => {
  it("does not exist in staging or production: every route is a plain 404", async () => {
    for (const ENVIRONMENT of ["staging", "production"]) {
      const deployed = { ...env, ENVIRONMENT } as Env;
      for (const path of DEV_PATHS) {
        const res = await worker.fetch(new Request(`${ORIGIN}${path}`), deployed, ctx);
        expect(res.status, `${ENVIRONMENT} ${path}`).toBe(404);
        expect(await res.json()).toMatchObject({ error: { code: "not_found" } });
      }
    }
  });

  it("offers launching as learner or instructor on /", async () => {
    const res = await get("/");
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(html).toContain('href="/dev/course/equations?role=learner"');
    expect(html).toContain('href="/dev/course/equations?role=instructor"');
  });

  it("serves course pages marked up per the agreement, with the guide framed next to them", async () => {
    const html = await (await get("/dev/course/equations?role=learner")).text();
    expect(html).toContain('data-guide-block="balance-method" data-content-type="text"');
    expect(html).toContain('data-content-type="formula"');
    expect(html).toMatch(/data-quiz-item="q-graded" data-skill="solve-two-step" data-answer="6" data-graded="true"/);
    expect(html).toContain('<iframe class="guide" title="Atomic Guide" src="/dev/lms/launch?role=learner">');
    expect(await (await get("/dev/course/video")).text()).toContain('data-content-type="video"');
    expect((await get("/dev/course/nope")).status).toBe(404);
    const bad = await get("/dev/lms/launch?role=admin");
    expect(bad.status).toBe(400);
    expect(await bad.json()).toMatchObject({ error: { code: "invalid_role" } });
  });

  it("launches through the built-in LMS with the real LTI flow and lands in the sample course", async () => {
    // The gateway fetches the built-in LMS's JWKS over HTTP; here that is this same Worker.
    const real = globalThis.fetch.bind(globalThis);
    vi.spyOn(globalThis, "fetch").mockImplementation((input, init) => {
      const request = new Request(input, init);
      return request.url.startsWith(`${ORIGIN}/dev/lms/`) ? exports.default.fetch(request) : real(request);
    });
    for (const role of ["learner", "instructor"] as const) {
      const start = await get(`/dev/lms/launch?role=${role}`, { redirect: "manual" });
      expect(start.status).toBe(302);
      const init = await exports.default.fetch(
        new Request(start.headers.get("Location") ?? "", { redirect: "manual" }),
      );
      expect(init.status).toBe(302);
      const cookie = (init.headers.get("Set-Cookie") ?? "").split(";")[0] ?? "";
      const authorize = await exports.default.fetch(new Request(init.headers.get("Location") ?? ""));
      const form = await authorize.text();
      const field = (name: string) => new RegExp(`name="${name}" value="([^"]*)"`).exec(form)?.[1] ?? "";
      const launch = await get("/lti/launch", {
        method: "POST",
        headers: { "Content-Type": "application/x-www-form-urlencoded", Cookie: cookie },
        body: new URLSearchParams({ id_token: field("id_token"), state: field("state") }).toString(),
      });
      expect(launch.status, role).toBe(200);
      const json = await launchJson(launch);
      expect(json.tenantId).toBe("sample-school");
      // The gateway scopes the LMS's context id to the platform: it ends in the course's own id.
      expect(json.context).toMatchObject({
        id: expect.stringMatching(/(^|:)sample-course$/),
        title: "Sample course: Linear equations",
      });
      expect(json.user.isInstructor).toBe(role === "instructor");
      // The token works on the API: the sample tenant exists.
      const me = await get("/api/chat/conversations", { headers: { Authorization: `Bearer ${json.apiToken}` } });
      expect(me.status, await me.clone().text()).toBe(200);
    }
  }, 60_000);
});
