import { exports } from "cloudflare:workers";
import { type AuthContext, encodeAuthContext, type LearningEvent } from "@atomic-guide/shared";
import { instructorAuth, learnerAuth } from "@atomic-guide/testing/auth-contexts";
import { describe, expect, it } from "vitest";

const TENANT = "help-school";
const instructor = instructorAuth({ tenantId: TENANT, userId: "teacher-h", contextId: "course-h" });
const learner = (userId: string) => learnerAuth({ tenantId: TENANT, userId, contextId: "course-h" });

// Times from the test's own clock, inside the list's default seven-day window.
const ago = (minutes: number) => new Date(Date.now() - minutes * 60_000).toISOString();
let seq = 0;
const asked = (
  userId: string,
  minutesAgo: number,
  extra: Partial<{ tenantId: string; contextId: string; learnerName: string; elementId: string }> = {},
): LearningEvent => ({
  eventId: `h-${++seq}:help`,
  tenantId: extra.tenantId ?? TENANT,
  userId,
  contextId: extra.contextId ?? "course-h",
  at: ago(minutesAgo),
  type: "help_requested",
  interventionId: `h-${seq}`,
  ...(extra.elementId ? { elementId: extra.elementId } : {}),
  ...(extra.learnerName ? { learnerName: extra.learnerName } : {}),
});

const get = (path: string, auth: AuthContext) =>
  exports.default.fetch(
    new Request(`http://analytics${path}`, { headers: { "X-Atomic-Auth": encodeAuthContext(auth) } }),
  );
const LIST = "/api/courses/course-h/help-requests";

describe("GET /api/courses/:contextId/help-requests", () => {
  it("lists the course's learners who asked for help, newest first, by the name they agreed to", async () => {
    await exports.default.recordLearningEvents([
      asked("ann", 30, { learnerName: "Ann Lee", elementId: "q-exercise-1" }),
      asked("bob", 5, { learnerName: "Bob Roe" }),
      // An offer the learner never accepted is a delivery only: nobody is named.
      {
        eventId: "offer-cy",
        tenantId: TENANT,
        userId: "cy",
        contextId: "course-h",
        at: ago(4),
        type: "intervention_delivered",
        interventionId: "offer-cy",
        kind: "instructor_notified",
      },
      // Another course of the tenant, another tenant's same-named course, and last month.
      asked("dee", 3, { contextId: "course-other", learnerName: "Dee" }),
      asked("zed", 3, { tenantId: "other-school", learnerName: "Zed" }),
      asked("old", 60 * 24 * 10, { learnerName: "Old Request" }),
    ]);
    const res = await get(LIST, instructor);
    expect(res.status).toBe(200);
    const body = await res.json<{ requests: unknown[] }>();
    expect(body.requests).toEqual([
      { interventionId: expect.any(String), userId: "bob", name: "Bob Roe", elementId: null, at: expect.any(String) },
      {
        interventionId: expect.any(String),
        userId: "ann",
        name: "Ann Lee",
        elementId: "q-exercise-1",
        at: expect.any(String),
      },
    ]);
    const wide = await get(`${LIST}?from=${encodeURIComponent(ago(60 * 24 * 30))}`, instructor);
    expect((await wide.json<{ requests: { userId: string }[] }>()).requests.map((r) => r.userId)).toEqual([
      "bob",
      "ann",
      "old",
    ]);
  });

  it("answers a learner 403, another course 404 and a malformed window 400", async () => {
    const asLearner = await get(LIST, learner("ann"));
    expect(asLearner.status).toBe(403);
    expect(await asLearner.json()).toMatchObject({ error: { code: "instructor_only" } });
    expect((await get("/api/courses/course-other/help-requests", instructor)).status).toBe(404);
    const bad = await get(`${LIST}?from=yesterday`, instructor);
    expect(bad.status).toBe(400);
    expect(await bad.json()).toMatchObject({ error: { code: expect.any(String), message: expect.any(String) } });
  });

  it("keeps answering from the snapshot, marked read-only, while D1 is down", async () => {
    expect((await get(LIST, instructor)).status).toBe(200);
    await exports.default.controlD1Faults({ mode: "fail" });
    try {
      const res = await get(LIST, instructor);
      expect(res.status).toBe(200);
      expect(res.headers.get("X-Atomic-Degraded")).toBe("read-only");
      expect((await res.json<{ requests: { name: string }[] }>()).requests.map((r) => r.name)).toEqual([
        "Bob Roe",
        "Ann Lee",
      ]);
    } finally {
      await exports.default.controlD1Faults({ mode: "off" });
    }
  });

  it("is in the learner's export and gone, list and snapshot, after erasure", async () => {
    const exported = await exports.default.exportLearner(learner("ann"));
    expect(exported.learningEvents).toContainEqual(
      expect.objectContaining({ type: "help_requested", learnerName: "Ann Lee", elementId: "q-exercise-1" }),
    );
    await exports.default.eraseLearner(learner("ann"));
    const body = await (await get(LIST, instructor)).json<{ requests: { userId: string }[] }>();
    expect(body.requests.map((r) => r.userId)).toEqual(["bob"]);
  });
});
