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
    // Its own icon, so the browser does not ask for a /favicon.ico the tool does not serve.
    expect(html).toContain('<link rel="icon" href="data:image/svg+xml,');
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

  /** The built-in LMS's whole flow from a launch link to the app page's launch JSON. */
  async function launchThrough(query: string) {
    // The gateway fetches the built-in LMS's JWKS over HTTP; here that is this same Worker.
    const real = globalThis.fetch.bind(globalThis);
    vi.spyOn(globalThis, "fetch").mockImplementation((input, init) => {
      const request = new Request(input, init);
      return request.url.startsWith(`${ORIGIN}/dev/lms/`) ? exports.default.fetch(request) : real(request);
    });
    const start = await get(`/dev/lms/launch?${query}`, { redirect: "manual" });
    expect(start.status).toBe(302);
    const init = await exports.default.fetch(new Request(start.headers.get("Location") ?? "", { redirect: "manual" }));
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
    expect(launch.status, query).toBe(200);
    return launchJson(launch);
  }

  it("launches through the built-in LMS with the real LTI flow and lands in the sample course", async () => {
    for (const role of ["learner", "instructor"] as const) {
      const json = await launchThrough(`role=${role}`);
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

  it("launches a second learner, and into section B, a course of its own", async () => {
    const second = await launchThrough("role=learner&learner=2");
    expect(second.user.name).toBe("Alan Turing");
    expect(second.context.id).toMatch(/(^|:)sample-course$/);
    const sectionB = await launchThrough("role=instructor&course=sample-course-b");
    expect(sectionB.context).toMatchObject({
      id: expect.stringMatching(/(^|:)sample-course-b$/),
      title: "Sample course: Linear equations (section B)",
    });
    const page = await (await get("/dev/course/equations?role=learner&course=sample-course-b&learner=2")).text();
    expect(page).toContain('src="/dev/lms/launch?role=learner&amp;course=sample-course-b&amp;learner=2"');
    for (const bad of ["course=other-course", "learner=3"]) {
      const res = await get(`/dev/lms/launch?role=learner&${bad}`);
      expect(res.status, bad).toBe(400);
      expect(await res.json()).toMatchObject({ error: { code: "invalid_request" } });
    }
  }, 60_000);
});
