import { createExecutionContext, createScheduledController, waitOnExecutionContext } from "cloudflare:test";
import { env, exports } from "cloudflare:workers";
import { describe, expect, it, vi } from "vitest";
import { bearer, tokenFor } from "../auth/test-tokens";
import worker from "../index";
import { getTenant, putTenant } from "../tenants/store";

const DAY_MS = 86_400_000;

const api = (token: string, path: string, body?: unknown) =>
  exports.default.fetch(
    new Request(`http://localhost${path}`, {
      method: body === undefined ? "GET" : "POST",
      headers: { ...bearer(token), "Content-Type": "application/json" },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    }),
  );

async function learnerWithSession(tenantId: string): Promise<string> {
  const token = await tokenFor(env, tenantId, { issuer: `https://${tenantId}.example.edu`, clientId: `c-${tenantId}` });
  const at = new Date(Date.now() - 1000).toISOString();
  const res = await api(token, "/api/cognitive/signals", { signals: [{ type: "click", at, elementId: "q-1" }] });
  expect(res.status).toBe(202);
  // The sweep finds idle learners by their D1 rows, which the learner's object writes from its
  // alarm a few seconds after a session's first batch: polled, not timed.
  await vi.waitUntil(
    async () =>
      ((await env.TEST_DB_STRUGGLE_DETECTOR.prepare("SELECT COUNT(*) AS n FROM learning_sessions WHERE tenant_id = ?")
        .bind(tenantId)
        .first<number>("n")) ?? 0) > 0,
    { timeout: 25_000, interval: 100 },
  );
  return token;
}

const sessionsOf = async (token: string) =>
  ((await (await api(token, "/api/learners/me/sessions")).json()) as { sessions: unknown[] }).sessions;

/** The gateway's daily cron, at `scheduledTime` (the sweep's clock). */
async function runCron(scheduledTime: number) {
  const ctx = createExecutionContext();
  await worker.scheduled(createScheduledController({ cron: "17 3 * * *", scheduledTime }), env, ctx);
  await waitOnExecutionContext(ctx);
}

describe("the daily retention sweep", () => {
  it("applies each tenant's own period: a 30-day tenant loses 40-day-idle learners, a default tenant keeps them", async () => {
    const [short, long] = await Promise.all([learnerWithSession("sweep-short"), learnerWithSession("sweep-long")]);
    const tenant = await getTenant(env, "sweep-short");
    if (!tenant) throw new Error("tenant missing");
    await putTenant(env, { ...tenant, learnerDataRetentionDays: 30 });
    expect(await sessionsOf(short)).toHaveLength(1);

    // Twenty days on, both periods still hold.
    await runCron(Date.now() + 20 * DAY_MS);
    expect(await sessionsOf(short)).toHaveLength(1);

    await runCron(Date.now() + 40 * DAY_MS);
    expect(await sessionsOf(short)).toEqual([]);
    expect(await sessionsOf(long)).toHaveLength(1);
  });
});
