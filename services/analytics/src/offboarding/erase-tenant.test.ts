import { runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { env, exports } from "cloudflare:workers";
import type { MetricsBatch } from "@atomic-guide/shared/metrics/schema";
import { afterEach, describe, expect, it } from "vitest";
import { type AuditRow, auditQueueFor } from "../audit/log";
import type { MetricsBufferDO } from "../do/metrics-buffer";
import { metricsBufferFor } from "../metrics/sink";

const freshTenant = () => `off-${crypto.randomUUID().slice(0, 8)}`;

const auditRow = (tenantId: string): AuditRow => ({
  tenant_id: tenantId,
  id: crypto.randomUUID(),
  at: new Date().toISOString(),
  actor_user_id: "instructor-1",
  action: "insight.read",
  route: "/api/courses/:contextId/insights",
  subject_user_id: null,
  context_id: "course-1",
});

const requests = (tenantId: string, n: number): MetricsBatch => ({
  service: "chat",
  at: new Date().toISOString(),
  samples: Array.from({ length: n }, () => ({
    kind: "request" as const,
    service: "chat",
    route: "/api/chat/message",
    method: "POST",
    status: 200,
    durationMs: 5,
    tenantId,
    at: new Date().toISOString(),
  })),
});

const auditRows = async (tenantId: string) =>
  (await env.DB.prepare("SELECT COUNT(*) AS n FROM audit_log WHERE tenant_id = ?").bind(tenantId).first<number>("n")) ??
  0;

/** The buffer's open request count for the tenant, as an overview would add it. */
const bufferedRequests = async (tenantId: string) => {
  const minute = new Date().toISOString().slice(0, 16);
  const open = await metricsBufferFor(env, "chat").openRollups("0000", `${minute}~`, tenantId);
  return open.requests.reduce((n, r) => n + r.count, 0);
};

afterEach(async () => {
  await exports.default.controlD1Faults({ mode: "off" });
});

describe("offboarding analytics' buffers", () => {
  it("drops the tenant's waiting audit rows and buffered samples, counts them, and a later flush writes none back", async () => {
    const tenantId = freshTenant();
    const neighbour = freshTenant();
    const queue = auditQueueFor(env);
    await exports.default.controlD1Faults({ mode: "fail" });
    await queue.queueAudit(auditRow(tenantId));
    await queue.queueAudit(auditRow(neighbour));
    await runInDurableObject(queue, (_i: MetricsBufferDO, state) => state.storage.setAlarm(Date.now() + 86_400_000));
    await exports.default.controlD1Faults({ mode: "off" });
    await metricsBufferFor(env, "chat").add(requests(tenantId, 3));
    await metricsBufferFor(env, "chat").add(requests(neighbour, 2));
    expect(await bufferedRequests(tenantId)).toBe(3);

    const receipt = await exports.default.eraseTenant({ tenantId });
    // One audit row and three samples, nothing in D1 yet.
    expect(receipt).toEqual({ rows: 4, objects: 0, done: true });
    expect(await bufferedRequests(tenantId)).toBe(0);
    expect(await bufferedRequests(neighbour)).toBe(2);

    await runDurableObjectAlarm(queue);
    expect(await auditRows(tenantId)).toBe(0);
    expect(await auditRows(neighbour)).toBe(1);
    // The erasure's own measurement names no tenant, so a second one finds nothing.
    expect(await exports.default.eraseTenant({ tenantId })).toEqual({ rows: 0, objects: 0, done: true });
  });
});
