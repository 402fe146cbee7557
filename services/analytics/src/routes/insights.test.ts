import { env, exports } from "cloudflare:workers";
import { type AuthContext, encodeAuthContext, type LearningEvent } from "@atomic-guide/shared";
import { INSTRUCTOR_ROLE, instructorAuth, LEARNER_ROLE, learnerAuth } from "@atomic-guide/testing/auth-contexts";
import { describe, expect, it } from "vitest";

const instructor = instructorAuth();
const learner = (userId: string) => learnerAuth({ userId });

let seq = 0;
const base = (userId: string, at: string, tenantId = "acme") => ({
  eventId: `e-${++seq}`,
  tenantId,
  userId,
  contextId: "course-1",
  at,
});
const struggle = (userId: string, elementId: string, at = "2026-11-20T10:00:00.000Z"): LearningEvent => ({
  ...base(userId, at),
  type: "struggle_detected",
  sessionId: `s-${userId}`,
  elementId,
  score: 0.8,
  level: "struggling",
});

const get = (path: string, auth: AuthContext, headers: Record<string, string> = {}) =>
  exports.default.fetch(
    new Request(`http://analytics${path}`, { headers: { "X-Atomic-Auth": encodeAuthContext(auth), ...headers } }),
  );
const WINDOW = "from=2026-11-01T00:00:00.000Z&to=2026-11-24T00:00:00.000Z";

describe("course insight", () => {
  it("seeds a course: roster of four learners and events from three", async () => {
    await exports.default.syncRoster(instructor, {
      contextId: "course-1",
      members: [
        { userId: "teacher-1", name: "Teacher", roles: [INSTRUCTOR_ROLE] },
        { userId: "ann", name: "Ann", roles: [LEARNER_ROLE] },
        { userId: "bob", name: "Bob", roles: [LEARNER_ROLE] },
        { userId: "cy", name: "Cy", roles: [LEARNER_ROLE] },
        { userId: "dee", name: "Dee", roles: [LEARNER_ROLE] },
      ],
    });
    const events: LearningEvent[] = [
      struggle("ann", "quiz-3"),
      struggle("bob", "quiz-3"),
      struggle("cy", "quiz-3"),
      struggle("ann", "quiz-3"),
      struggle("ann", "video-1"),
      {
        ...base("ann", "2026-11-20T10:01:00.000Z"),
        type: "intervention_delivered",
        interventionId: "i1",
        kind: "hint",
      },
      {
        ...base("bob", "2026-11-20T10:01:00.000Z"),
        type: "intervention_delivered",
        interventionId: "i2",
        kind: "hint",
      },
      {
        ...base("ann", "2026-11-20T10:02:00.000Z"),
        type: "intervention_responded",
        interventionId: "i1",
        action: "helpful",
      },
      {
        ...base("bob", "2026-11-20T10:02:00.000Z"),
        type: "intervention_responded",
        interventionId: "i2",
        action: "dismissed",
      },
      {
        ...base("ann", "2026-11-20T11:00:00.000Z"),
        type: "chat_message",
        conversationId: "c1",
        provider: "offline",
        tokens: 10,
      },
      {
        ...base("bob", "2026-11-20T12:00:00.000Z"),
        type: "chat_message",
        conversationId: "c2",
        provider: "offline",
        tokens: 10,
      },
      {
        ...base("ann", "2026-11-21T09:00:00.000Z"),
        type: "chat_message",
        conversationId: "c1",
        provider: "offline",
        tokens: 10,
      },
      // Outside the window, and another tenant's learner in a same-named course: neither counts.
      struggle("dee", "quiz-3", "2026-10-01T00:00:00.000Z"),
      { ...struggle("zed", "quiz-3"), tenantId: "other" },
    ];
    expect(await exports.default.recordLearningEvents(events)).toEqual({ stored: events.length });
  });

  it("replaces a large roster in chunks and removes members who left", async () => {
    const big = { ...instructor, contextId: "course-big" };
    const members = Array.from({ length: 2500 }, (_, i) => ({ userId: `m-${i}`, roles: [LEARNER_ROLE] }));
    expect(await exports.default.syncRoster(big, { contextId: "course-big", members })).toEqual({ members: 2500 });
    const count = async () =>
      (
        await env.DB.prepare("SELECT count(*) AS n FROM course_roster WHERE context_id = 'course-big'").first<{
          n: number;
        }>()
      )?.n;
    expect(await count()).toBe(2500);
    await exports.default.syncRoster(big, { contextId: "course-big", members: members.slice(0, 10) });
    expect(await count()).toBe(10);
  });

  it("stores each event once: a replayed batch adds nothing", async () => {
    const replay: LearningEvent[] = [{ ...struggle("ann", "quiz-3"), eventId: "e-1" }];
    expect(await exports.default.recordLearningEvents(replay)).toEqual({ stored: 0 });
    const n = await env.DB.prepare("SELECT count(*) AS n FROM learning_events WHERE event_id = 'e-1'").first<{
      n: number;
    }>();
    expect(n?.n).toBe(1);
  });

  it("shows hot spots, active and inactive learners, interventions and chat volume", async () => {
    const res = await get(`/api/courses/course-1/insights?${WINDOW}`, instructor);
    expect(res.status).toBe(200);
    const body = await res.json<Record<string, unknown>>();
    expect(body.hotSpots).toEqual([
      { elementId: "quiz-3", events: 4, learners: 3, strugglingEvents: 4, avgScore: 0.8 },
      { elementId: "video-1", events: 1, learners: 1, strugglingEvents: 1, avgScore: 0.8 },
    ]);
    expect(body.learners).toEqual({
      rosterSize: 4,
      active: 3,
      inactive: 1,
      activeLearners: [
        { userId: "ann", name: "Ann", lastSeen: "2026-11-21T09:00:00.000Z" },
        { userId: "bob", name: "Bob", lastSeen: "2026-11-20T12:00:00.000Z" },
        { userId: "cy", name: "Cy", lastSeen: "2026-11-20T10:00:00.000Z" },
      ],
      inactiveLearners: [{ userId: "dee", name: "Dee" }],
    });
    expect(body.interventions).toEqual({
      delivered: [{ kind: "hint", count: 2, learners: 2 }],
      outcomes: [
        { action: "dismissed", count: 1, learners: 1 },
        { action: "helpful", count: 1, learners: 1 },
      ],
      byKind: [{ kind: "hint", delivered: 2, learners: 2, accepted: 0, dismissed: 1, helpful: 1, notHelpful: 0 }],
    });
    expect(body.chatVolume).toEqual([
      { day: "2026-11-20", messages: 2, learners: 2 },
      { day: "2026-11-21", messages: 1, learners: 1 },
    ]);
  });

  it("shows per kind how often it was delivered, accepted and rated helpful in the window", async () => {
    // A tenant of its own, so the other tests' figures for "acme" stay as they are.
    const course = { ...instructor, tenantId: "kinds-school", contextId: "course-kinds" };
    const at = (minute: number) => `2026-11-20T10:${String(minute).padStart(2, "0")}:00.000Z`;
    const ev = (userId: string, minute: number) => ({
      ...base(userId, at(minute), "kinds-school"),
      contextId: "course-kinds",
    });
    const delivered = (userId: string, id: string, kind: string, minute: number): LearningEvent => ({
      ...ev(userId, minute),
      eventId: id,
      type: "intervention_delivered",
      interventionId: id,
      kind,
    });
    const responded = (
      userId: string,
      id: string,
      action: "accepted" | "dismissed" | "helpful" | "not_helpful",
      minute: number,
    ): LearningEvent => ({ ...ev(userId, minute), type: "intervention_responded", interventionId: id, action });
    await exports.default.recordLearningEvents([
      delivered("ann", "k1", "hint", 1),
      delivered("bob", "k2", "hint", 1),
      delivered("cy", "k3", "hint", 1),
      delivered("ann", "k4", "content_summary", 2),
      responded("ann", "k1", "accepted", 3),
      responded("ann", "k1", "helpful", 4),
      responded("bob", "k2", "accepted", 3),
      responded("bob", "k2", "not_helpful", 4),
      responded("cy", "k3", "dismissed", 3),
      responded("ann", "k4", "accepted", 5),
      responded("ann", "k4", "helpful", 6),
      // Delivered before the window, answered in it: the answer counts for its kind.
      delivered("dee", "k5", "prerequisite_resource", 0),
      responded("dee", "k5", "helpful", 7),
    ]);
    const res = await get(
      "/api/courses/course-kinds/insights?from=2026-11-20T10:01:00.000Z&to=2026-11-20T11:00:00.000Z",
      course,
    );
    const body = await res.json<{ interventions: { byKind: unknown } }>();
    expect(body.interventions.byKind).toEqual([
      { kind: "hint", delivered: 3, learners: 3, accepted: 2, dismissed: 1, helpful: 1, notHelpful: 1 },
      { kind: "content_summary", delivered: 1, learners: 1, accepted: 1, dismissed: 0, helpful: 1, notHelpful: 0 },
      {
        kind: "prerequisite_resource",
        delivered: 0,
        learners: 0,
        accepted: 0,
        dismissed: 0,
        helpful: 1,
        notHelpful: 0,
      },
    ]);
    const small = await get(
      "/api/courses/course-kinds/insights?from=2026-11-20T10:01:00.000Z&to=2026-11-20T11:00:00.000Z",
      course,
      { "X-Atomic-Insight-Min-Group": "2" },
    );
    const suppressed = (await small.json<{ interventions: { byKind: { kind: string; helpful: unknown }[] } }>())
      .interventions.byKind;
    expect(suppressed.map((k) => [k.kind, k.helpful])).toEqual([
      ["hint", 1],
      ["content_summary", null],
      ["prerequisite_resource", null],
    ]);
  });

  it("withholds figures resting on fewer learners than the tenant's minimum group size", async () => {
    const res = await get(`/api/courses/course-1/insights?${WINDOW}`, instructor, {
      "X-Atomic-Insight-Min-Group": "2",
    });
    const body = await res.json<Record<string, unknown>>();
    expect(body.hotSpots).toEqual([
      { elementId: "quiz-3", events: 4, learners: 3, strugglingEvents: 4, avgScore: 0.8 },
    ]);
    expect(body.suppressedHotSpots).toBe(1);
    expect(body.learners).toEqual({ rosterSize: 4, active: 3, inactive: 1 });
    expect(body.chatVolume).toEqual([
      { day: "2026-11-20", messages: 2, learners: 2 },
      { day: "2026-11-21", messages: null, learners: null },
    ]);
  });

  it("answers a learner 403 and another course 404", async () => {
    const asLearner = await get(`/api/courses/course-1/insights?${WINDOW}`, learner("ann"));
    expect(asLearner.status).toBe(403);
    expect(await asLearner.json()).toEqual({ error: { code: "instructor_only", message: expect.any(String) } });
    const otherCourse = await get(`/api/courses/course-2/insights?${WINDOW}`, instructor);
    expect(otherCourse.status).toBe(404);
    const overview = await get("/api/analytics/overview", learner("ann"));
    expect(overview.status).toBe(403);
  });

  it("refuses a malformed window with 400", async () => {
    const res = await get("/api/courses/course-1/insights?from=yesterday", instructor);
    expect(res.status).toBe(400);
    const reversed = await get(
      "/api/courses/course-1/insights?from=2026-11-10T00:00:00.000Z&to=2026-11-01T00:00:00.000Z",
      instructor,
    );
    expect(await reversed.json()).toEqual({ error: { code: "invalid_window", message: expect.any(String) } });
  });

  it("audits every insight read: who, which course, which route", async () => {
    const rows = await env.DB.prepare(
      "SELECT actor_user_id, action, route, context_id FROM audit_log WHERE tenant_id = 'acme' AND action = 'insight_read'",
    ).all();
    expect(rows.results.length).toBe(2);
    expect(rows.results[0]).toEqual({
      actor_user_id: "teacher-1",
      action: "insight_read",
      route: "/api/courses/:contextId/insights",
      context_id: "course-1",
    });
  });

  it("exports a learner's data, erases it, and then exports nothing", async () => {
    const before = await exports.default.exportLearner(learner("ann"));
    expect(before.learningEvents.length).toBe(7);
    expect(before.learningEvents.every((e) => e.userId === "ann" && e.tenantId === "acme")).toBe(true);
    expect(before.rosterEntries).toEqual([
      { contextId: "course-1", name: "Ann", roles: [LEARNER_ROLE], syncedAt: expect.any(String) },
    ]);
    expect(await exports.default.eraseLearner(learner("ann"))).toEqual({ deleted: 8 });
    const after = await exports.default.exportLearner(learner("ann"));
    expect(after).toEqual({ service: "analytics", learningEvents: [], rosterEntries: [] });
    const audits = await env.DB.prepare(
      "SELECT action, subject_user_id FROM audit_log WHERE action IN ('export', 'erase') ORDER BY at, action",
    ).all();
    expect(audits.results).toEqual(
      expect.arrayContaining([
        { action: "export", subject_user_id: "ann" },
        { action: "erase", subject_user_id: "ann" },
      ]),
    );
    // Bob's data is untouched.
    expect((await exports.default.exportLearner(learner("bob"))).learningEvents.length).toBe(4);
  });

  it("gives the tenant an overview of usage", async () => {
    const res = await get(`/api/analytics/overview?${WINDOW}`, instructor);
    expect(res.status).toBe(200);
    const body = await res.json<{ tenantId: string; usage: { events: Record<string, { events: number }> } }>();
    expect(body.tenantId).toBe("acme");
    // After Ann's erasure: Bob and Cy struggled once each, Bob chatted once.
    expect(body.usage.events.struggle_detected?.events).toBe(2);
    expect(body.usage.events.chat_message?.events).toBe(1);
  });
});
