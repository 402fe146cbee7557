import { env, exports } from "cloudflare:workers";
import { type AuthContext, encodeAuthContext, type LearningEvent } from "@atomic-guide/shared";
import { instructorAuth, LEARNER_ROLE, learnerAuth } from "@atomic-guide/testing/auth-contexts";
import { describe, expect, it } from "vitest";
import { pruneExpired } from "../metrics/retention";

const own = () => (env as unknown as { DB_TENANT_TEST: D1Database }).DB_TENANT_TEST;

const TENANT = "moved-u";
const ownDatabase = { tenantId: TENANT, contextId: "course-9", d1Binding: "DB_TENANT_TEST" };
const instructor = instructorAuth(ownDatabase);
const learner = learnerAuth({ ...ownDatabase, userId: "ann" });

const recent = (agoMs: number) => new Date(Date.now() - agoMs).toISOString();
const struggle = (eventId: string, tenantId: string, d1Binding?: string): LearningEvent => ({
  eventId,
  tenantId,
  ...(d1Binding ? { d1Binding } : {}),
  userId: "ann",
  contextId: "course-9",
  at: recent(60_000),
  type: "struggle_detected",
  sessionId: "s-ann",
  elementId: "quiz-7",
  score: 0.9,
  level: "struggling",
});

const count = async (db: D1Database, table: string, tenantId: string) =>
  (await db.prepare(`SELECT COUNT(*) AS n FROM ${table} WHERE tenant_id = ?`).bind(tenantId).first<{ n: number }>())
    ?.n ?? 0;

const get = (path: string, auth: AuthContext) =>
  exports.default.fetch(
    new Request(`http://analytics${path}`, { headers: { "X-Atomic-Auth": encodeAuthContext(auth) } }),
  );

describe("a tenant with its own database", () => {
  it("has its events, roster, insight reads and audit rows there, and none in the shared DB", async () => {
    await exports.default.syncRoster(instructor, {
      contextId: "course-9",
      members: [{ userId: "ann", name: "Ann", roles: [LEARNER_ROLE] }],
    });
    // One batch mixing the moved tenant and a tenant on the shared database.
    const stored = await exports.default.recordLearningEvents([
      struggle("own-1", TENANT, "DB_TENANT_TEST"),
      struggle("own-2", TENANT, "DB_TENANT_TEST"),
      struggle("shared-1", "stays-shared"),
    ]);
    expect(stored).toEqual({ stored: 3 });

    const res = await get("/api/courses/course-9/insights", instructor);
    expect(res.status).toBe(200);
    const insight = (await res.json()) as { hotSpots: { elementId: string; events: number }[] };
    expect(insight.hotSpots).toEqual([expect.objectContaining({ elementId: "quiz-7", events: 2 })]);
    const overview = (await (await get("/api/analytics/overview", instructor)).json()) as {
      usage: { events: Record<string, { events: number }> };
    };
    expect(overview.usage.events.struggle_detected?.events).toBe(2);

    for (const table of ["learning_events", "course_roster", "audit_log"]) {
      expect(await count(own(), table, TENANT), `${table} in the tenant's database`).toBeGreaterThan(0);
      expect(await count(env.DB, table, TENANT), `${table} in the shared database`).toBe(0);
    }
    expect(await count(env.DB, "learning_events", "stays-shared")).toBe(1);
    expect(await count(own(), "learning_events", "stays-shared")).toBe(0);
  });

  it("exports and erases the learner from the tenant's database", async () => {
    const exported = await exports.default.exportLearner(learner);
    expect(exported.learningEvents.map((e) => e.eventId).sort()).toEqual(["own-1", "own-2"]);
    const { deleted } = await exports.default.eraseLearner(learner);
    expect(deleted).toBe(3);
    expect(await count(own(), "learning_events", TENANT)).toBe(0);
  });

  it("has its expired learner data swept by the retention job, like the shared database's", async () => {
    const ancient = new Date(Date.now() - 1_000 * 86_400_000).toISOString();
    for (const db of [env.DB, own()]) {
      await db
        .prepare(
          "INSERT INTO learning_events (tenant_id, event_id, type, user_id, at) VALUES ('sweep', 'old', 'session_started', 'u', ?)",
        )
        .bind(ancient)
        .run();
    }
    const result = await pruneExpired(env);
    expect(result.events).toBe(2);
    expect(await count(own(), "learning_events", "sweep")).toBe(0);
    expect(await count(env.DB, "learning_events", "sweep")).toBe(0);
  });
});
