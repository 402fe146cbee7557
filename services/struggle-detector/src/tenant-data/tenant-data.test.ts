import { runDurableObjectAlarm } from "cloudflare:test";
import { env, exports } from "cloudflare:workers";
import { type AuthContext, socketPolicyKey } from "@atomic-guide/shared";
import { readRetentionPolicy } from "@atomic-guide/shared/learner-retention/tenant-policy";
import { callAs } from "@atomic-guide/testing/service-call";
import { describe, expect, it } from "vitest";
import { tenantConfigKey } from "../detection/thresholds";
import { detectorFor } from "../do/stub";

const DAY_MS = 86_400_000;

const learner = (tenantId: string, userId: string): AuthContext => ({
  tenantId,
  userId,
  roles: ["http://purl.imsglobal.org/vocab/lis/v2/membership#Learner"],
  isInstructor: false,
  contextId: "course-1",
});

const freshTenant = () => `sd-${crypto.randomUUID().slice(0, 8)}`;

const call = callAs("struggle-detector");

/** A learner whose signals opened a session, their session row in D1. */
async function active(auth: AuthContext) {
  const at = new Date(Date.now() - 1000).toISOString();
  const res = await call(auth, "POST", "/api/cognitive/signals", {
    signals: [{ type: "click", at, elementId: "q-1" }],
  });
  if (res.status !== 202) throw new Error(`signals: ${res.status}`);
  // The session's D1 row follows from the object's alarm; run it here rather than wait for
  // workerd's scheduler, which does not follow a shifted test clock.
  await runDurableObjectAlarm(detectorFor(env, auth));
}

const sessionRows = async (tenantId: string, userId?: string) =>
  (
    await env.DB.prepare(
      `SELECT COUNT(*) AS n FROM learning_sessions WHERE tenant_id = ?${userId ? " AND user_id = ?" : ""}`,
    )
      .bind(...(userId ? [tenantId, userId] : [tenantId]))
      .first<{ n: number }>()
  )?.n ?? 0;

const sessionsOf = async (auth: AuthContext) =>
  ((await exports.default.exportLearner(auth)) as { sessions: unknown[] }).sessions;

/** Makes the learner's D1 sessions look idle for `days`. */
async function age(auth: AuthContext, days: number) {
  const at = new Date(Date.now() - days * DAY_MS).toISOString();
  await env.DB.prepare(
    "UPDATE learning_sessions SET started_at = ?, last_signal_at = ? WHERE tenant_id = ? AND user_id = ?",
  )
    .bind(at, at, auth.tenantId, auth.userId)
    .run();
}

describe("retention sweep", () => {
  it("erases learners idle past the tenant's period, object and rows; active learners stay", async () => {
    const tenantId = freshTenant();
    const idle = learner(tenantId, "idle");
    const busy = learner(tenantId, "busy");
    await active(idle);
    await active(busy);
    expect(await sessionRows(tenantId, "idle")).toBeGreaterThan(0);
    await age(idle, 40);

    const longer = await exports.default.sweepExpiredLearnerData({ tenantId, retentionDays: 60, nowMs: Date.now() });
    expect(longer).toEqual({ rows: 0, objects: 0, done: true });

    const swept = await exports.default.sweepExpiredLearnerData({ tenantId, retentionDays: 30, nowMs: Date.now() });
    expect(swept).toMatchObject({ objects: 1, done: true });
    expect(await sessionRows(tenantId, "idle")).toBe(0);
    expect(await sessionsOf(idle)).toEqual([]);
    expect(await sessionRows(tenantId, "busy")).toBeGreaterThan(0);
    expect((await sessionsOf(busy)).length).toBeGreaterThan(0);
  });

  it("refuses a malformed sweep", async () => {
    const bad = await exports.default
      .sweepExpiredLearnerData({ tenantId: "Not A Slug", retentionDays: 30, nowMs: Date.now() })
      .then(
        () => null,
        (e: unknown) => e,
      );
    expect(bad).toMatchObject({ status: 400, code: "invalid_request" });
  });
});

describe("tenant offboarding", () => {
  it("erases every learner's object and every row and KV key of the tenant, and nobody else's", async () => {
    const tenantId = freshTenant();
    const otherTenant = freshTenant();
    const a = learner(tenantId, "a");
    const b = learner(tenantId, "b");
    const neighbour = learner(otherTenant, "a");
    for (const who of [a, b, neighbour]) await active(who);
    await env.TENANT_CONFIG.put(tenantConfigKey(tenantId), JSON.stringify({}));
    await exports.default.socketPolicyChanged({ tenantId, features: { struggleDetection: false } });
    expect(await env.TENANT_CONFIG.get(socketPolicyKey(tenantId))).not.toBeNull();

    const offboardedFrom = Date.now();
    const receipt = await exports.default.eraseTenant({ tenantId });
    // Objects whose data D1 never saw wipe themselves at their next alarm by this mark.
    expect((await readRetentionPolicy(env.TENANT_CONFIG, tenantId)).offboardedAtMs).toBeGreaterThanOrEqual(
      offboardedFrom,
    );
    expect(receipt).toMatchObject({ objects: 2, done: true });
    expect(receipt.rows).toBeGreaterThan(0);
    expect(await sessionRows(tenantId)).toBe(0);
    expect(await sessionsOf(a)).toEqual([]);
    expect(await sessionsOf(b)).toEqual([]);
    expect(await env.TENANT_CONFIG.get(tenantConfigKey(tenantId))).toBeNull();
    expect(await env.TENANT_CONFIG.get(socketPolicyKey(tenantId))).toBeNull();

    expect(await sessionRows(otherTenant)).toBeGreaterThan(0);
    expect((await sessionsOf(neighbour)).length).toBeGreaterThan(0);

    expect(await exports.default.eraseTenant({ tenantId })).toEqual({ rows: 0, objects: 0, done: true });
  });
});
