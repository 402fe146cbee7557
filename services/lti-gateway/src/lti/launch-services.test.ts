// What a launch sets in motion in the other services: a learning session named for the page's
// signals to open (struggle-detector), and the Names and Roles roster handed to analytics at an
// instructor launch.
import { env, exports } from "cloudflare:workers";
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

/** Every session (an object with a `session_id` and a `started_at`) anywhere in an export. */
function sessionsIn(node: unknown, found: Record<string, unknown>[] = []): Record<string, unknown>[] {
  if (Array.isArray(node)) for (const item of node) sessionsIn(item, found);
  else if (node && typeof node === "object") {
    const record = node as Record<string, unknown>;
    if (typeof record.session_id === "string" && "started_at" in record) found.push(record);
    for (const value of Object.values(record)) sessionsIn(value, found);
  }
  return found;
}

describe("launch side effects", () => {
  it("names a learning session in the page and opens none; the page's first signal opens it with the launch's id", async () => {
    const { response } = await launch(moodle);
    const json = await launchJson(response);
    expect(json.sessionId).toMatch(/\S+/);
    const api = (path: string, init: RequestInit = {}) =>
      exports.default.fetch(
        new Request(`https://tool.example${path}`, {
          ...init,
          headers: { Authorization: `Bearer ${json.apiToken}`, "Content-Type": "application/json" },
        }),
      );
    // The learner's export reads their Durable Object live: nothing is held for them yet.
    const before = await api("/api/learners/me/export");
    expect(before.status).toBe(200);
    expect(sessionsIn(await before.json())).toEqual([]);

    const sent = await api("/api/cognitive/signals", {
      method: "POST",
      body: JSON.stringify({
        sessionId: json.sessionId,
        signals: [{ type: "scroll", at: new Date(Date.now() - 1_000).toISOString(), depth: 0.3 }],
      }),
    });
    expect(sent.status).toBe(202);
    const after = await api("/api/learners/me/export");
    expect(sessionsIn(await after.json())).toEqual([
      expect.objectContaining({ session_id: json.sessionId, launch_id: json.launchId }),
    ]);
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
