// What a launch sets in motion in the other services: a learning session (struggle-detector)
// at every launch, and the Names and Roles roster handed to analytics at an instructor launch.
import { env } from "cloudflare:workers";
import { afterEach, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { ROLE, SimulatedPlatform } from "../../../../tests/support/lti-platform";
import { launch, launchJson, register, routeFetchTo } from "./test-harness";

let moodle: SimulatedPlatform;

beforeAll(async () => {
  moodle = await SimulatedPlatform.create({ shape: "moodle", origin: "https://moodle.example.edu" });
  moodle.roster = [
    { user_id: "learner-1", name: "Ada", roles: [ROLE.learner], status: "Active" },
    { user_id: "learner-2", roles: [ROLE.learner] },
    { user_id: "teacher-1", name: "Grace", roles: [ROLE.instructor] },
  ];
});
beforeEach(async () => {
  routeFetchTo([moodle]);
  await register(moodle, { tenantId: "moodle-college" });
});
afterEach(() => vi.restoreAllMocks());

describe("launch side effects", () => {
  it("opens a learning session in struggle-detector, after the page, under the id the page was given", async () => {
    const { response } = await launch(moodle);
    const json = await launchJson(response);
    expect(json.sessionId).toMatch(/\S+/);
    // openSession runs after the answer (ctx.waitUntil); its row reaches D1 from the learner's alarm.
    await vi.waitFor(
      async () => {
        const row = await env.TEST_DB_STRUGGLE_DETECTOR.prepare(
          "SELECT tenant_id, launch_id FROM learning_sessions WHERE session_id = ?",
        )
          .bind(json.sessionId)
          .first();
        expect(row).toEqual({ tenant_id: "moodle-college", launch_id: json.launchId });
      },
      { timeout: 20_000, interval: 50 },
    );
  });

  it("syncs the course roster to analytics at an instructor launch with Names and Roles", async () => {
    const { response } = await launch(moodle, {
      user: { sub: "teacher-1", name: "Grace", roles: [ROLE.instructor] },
      nrps: true,
    });
    expect(response.status).toBe(200);
    // The sync runs after the response (ctx.waitUntil); poll for its result.
    await vi.waitFor(
      async () => {
        const rows = await env.TEST_DB_ANALYTICS.prepare(
          "SELECT user_id FROM course_roster WHERE tenant_id = ? AND context_id = ? ORDER BY user_id",
        )
          .bind("moodle-college", "42")
          .all<{ user_id: string }>();
        expect(rows.results.map((r) => r.user_id)).toEqual(["learner-1", "learner-2", "teacher-1"]);
      },
      { timeout: 20_000, interval: 50 },
    );
  });

  it("does not fetch the roster for a learner launch", async () => {
    const before = moodle.requests.filter((r) => r.url.startsWith(moodle.membershipsUrl)).length;
    const { response } = await launch(moodle, { nrps: true });
    expect(response.status).toBe(200);
    expect(moodle.requests.filter((r) => r.url.startsWith(moodle.membershipsUrl)).length).toBe(before);
  });
});
