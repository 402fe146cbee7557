import { env } from "cloudflare:workers";
import type { AuthContext } from "@atomic-guide/shared";
import { callAs } from "@atomic-guide/testing/service-call";
import { describe, expect, it } from "vitest";

const person = (userId: string, isInstructor: boolean, contextId = "course-1", tenantId = "acme"): AuthContext => ({
  tenantId,
  userId,
  roles: [],
  isInstructor,
  contextId,
});

const call = callAs("struggle-detector");

const settingsPath = (contextId: string) => `/api/courses/${contextId}/guide-settings`;
const valid = {
  sensitivity: "low",
  cooldownMinutes: 15,
  dailyCap: 3,
  allowedInterventions: ["hint", "content_summary", "prerequisite_resource"],
};
const iso = (offsetMs: number) => new Date(Date.now() + offsetMs).toISOString();
/** Three wrong answers on one item: about 1.3 units of evidence, score 0.73. */
const stuckBatch = () => ({
  signals: [0, 1, 2].map((i) => ({
    type: "quiz_attempt",
    at: iso(-20_000 + i * 2_000),
    elementId: "q1",
    correct: false,
  })),
});
const levelAfterStuck = async (who: AuthContext) => {
  const res = await call(who, "POST", "/api/cognitive/signals", stuckBatch());
  return (await res.json()) as { struggle: { level: string }; intervention?: { kind: string } };
};
const auditCount = async (tenantId: string, contextId: string) =>
  env.DB.prepare("SELECT COUNT(*) AS n FROM guide_settings_audit WHERE tenant_id = ? AND context_id = ?")
    .bind(tenantId, contextId)
    .first<number>("n");

describe("course guide settings", () => {
  it("shows the tenant's defaults for a course never tuned", async () => {
    const res = await call(person("teacher", true, "fresh-course"), "GET", settingsPath("fresh-course"));
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({
      sensitivity: "medium",
      cooldownMinutes: 5,
      dailyCap: 8,
      allowedInterventions: ["hint", "content_summary", "chat_offer", "prerequisite_resource", "instructor_notified"],
      updatedAt: null,
    });
  });

  it("only the course's instructors: a learner gets 403, another course 404", async () => {
    for (const method of ["GET", "PUT"]) {
      const body = method === "PUT" ? valid : undefined;
      expect((await call(person("kid", false), method, settingsPath("course-1"), body)).status).toBe(403);
      expect((await call(person("teacher", true, "course-2"), method, settingsPath("course-1"), body)).status).toBe(
        404,
      );
    }
  });

  it("stores valid settings, audits who changed what and when, and applies them to the next learner", async () => {
    const teacher = person("teacher-a", true, "tuned-course");
    // A learner before the change: this isolate now holds the course's config, which the change must drop.
    expect((await levelAfterStuck(person("learner-before", false, "tuned-course"))).struggle.level).toBe("struggling");
    const res = await call(teacher, "PUT", settingsPath("tuned-course"), valid);
    expect(res.status).toBe(200);
    const stored = (await res.json()) as typeof valid & { updatedAt: string };
    expect(stored).toEqual({ ...valid, updatedAt: expect.any(String) });
    expect(await (await call(teacher, "GET", settingsPath("tuned-course"))).json()).toEqual(stored);

    const audit = await env.DB.prepare(
      "SELECT changed_by, changed_at, before_settings, after_settings FROM guide_settings_audit WHERE tenant_id = 'acme' AND context_id = 'tuned-course'",
    ).all<{ changed_by: string; changed_at: string; before_settings: string | null; after_settings: string }>();
    expect(audit.results).toHaveLength(1);
    expect(audit.results[0]).toMatchObject({
      changed_by: "teacher-a",
      changed_at: stored.updatedAt,
      before_settings: null,
    });
    expect(JSON.parse(audit.results[0]?.after_settings ?? "{}")).toEqual(valid);

    // Low sensitivity: the same evidence that makes "struggling" elsewhere is only "watch" here.
    expect((await levelAfterStuck(person("learner-tuned", false, "tuned-course"))).struggle.level).toBe("watch");
    expect((await levelAfterStuck(person("learner-other-course", false, "other-course"))).struggle.level).toBe(
      "struggling",
    );
    expect(
      (await levelAfterStuck(person("learner-other-tenant", false, "tuned-course", "other-uni"))).struggle.level,
    ).toBe("struggling");
  });

  it("limits interventions to the allowed kinds", async () => {
    const teacher = person("teacher-b", true, "summary-course");
    const only = { ...valid, sensitivity: "medium", allowedInterventions: ["content_summary"] };
    expect((await call(teacher, "PUT", settingsPath("summary-course"), only)).status).toBe(200);
    const reply = await levelAfterStuck(person("learner-summary", false, "summary-course"));
    expect(reply.struggle.level).toBe("struggling");
    expect(reply.intervention?.kind).toBe("content_summary");
  });

  it.each([
    ["an unknown sensitivity", { ...valid, sensitivity: "extreme" }],
    ["a cooldown of 0 minutes", { ...valid, cooldownMinutes: 0 }],
    ["a cooldown over 240 minutes", { ...valid, cooldownMinutes: 241 }],
    ["a fractional cooldown", { ...valid, cooldownMinutes: 1.5 }],
    ["a daily cap over 50", { ...valid, dailyCap: 51 }],
    ["an unknown intervention kind", { ...valid, allowedInterventions: ["hint", "pep_talk"] }],
    ["a repeated kind", { ...valid, allowedInterventions: ["hint", "hint"] }],
    ["a missing field", { sensitivity: "low", cooldownMinutes: 5, dailyCap: 3 }],
    ["an extra field", { ...valid, updatedAt: "2020-01-01T00:00:00.000Z" }],
  ])("refuses %s with 400 and changes nothing", async (_name, body) => {
    const teacher = person("teacher-c", true, "guarded-course");
    expect((await call(teacher, "PUT", settingsPath("guarded-course"), valid)).status).toBe(200);
    const before = await (await call(teacher, "GET", settingsPath("guarded-course"))).json();
    const audits = await auditCount("acme", "guarded-course");
    const res = await call(teacher, "PUT", settingsPath("guarded-course"), body);
    expect(res.status).toBe(400);
    expect(((await res.json()) as { error: { code: string } }).error.code).toMatch(/^invalid_/);
    expect(await (await call(teacher, "GET", settingsPath("guarded-course"))).json()).toEqual(before);
    expect(await auditCount("acme", "guarded-course")).toBe(audits);
  });
});
