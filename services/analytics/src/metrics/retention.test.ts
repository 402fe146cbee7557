import { createExecutionContext, createScheduledController } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import AnalyticsService from "../index";
import { pruneExpired } from "./retention";

const NOW = Date.parse("2026-11-24T12:00:00.000Z");
const daysAgo = (d: number) => new Date(NOW - d * 86_400_000).toISOString();

async function seed(ageDays: number, tag: string) {
  const at = daysAgo(ageDays);
  const minute = at.slice(0, 16);
  await env.DB.batch([
    env.DB.prepare(
      "INSERT INTO request_samples (tenant_id, service, route, method, status, duration_ms, at) VALUES ('acme', 'chat', ?, 'GET', 200, 1, ?)",
    ).bind(tag, at),
    env.DB.prepare(
      "INSERT INTO query_samples (service, name, duration_ms, rows_read, rows_written, ok, at) VALUES ('chat', ?, 1, 1, 0, 1, ?)",
    ).bind(tag, at),
    env.DB.prepare(
      `INSERT INTO request_rollups (tenant_id, service, route, minute, count, errors, p50_ms, p95_ms, p99_ms, max_ms, total_ms, d1_ms, d1_count, hist)
       VALUES ('acme', 'chat', ?, ?, 1, 0, 1, 1, 1, 1, 1, 0, 0, '{}')`,
    ).bind(tag, minute),
    env.DB.prepare(
      "INSERT INTO learning_events (tenant_id, event_id, type, user_id, at) VALUES ('acme', ?, 'session_started', 'u', ?)",
    ).bind(tag, at),
    env.DB.prepare(
      "INSERT INTO audit_log (tenant_id, id, at, actor_user_id, action, route) VALUES ('acme', ?, ?, 'u', 'export', '/x')",
    ).bind(tag, at),
  ]);
}

const tags = async (table: string, column: string) =>
  (await env.DB.prepare(`SELECT ${column} AS tag FROM ${table} ORDER BY 1`).all<{ tag: string }>()).results.map(
    (r) => r.tag,
  );

describe("retention", () => {
  it("prunes raw samples after RAW_RETENTION_DAYS, rollups, events and audit rows after theirs", async () => {
    // Defaults: raw 7 days, rollups 90, events 400, audit 730.
    await seed(1, "fresh");
    await seed(10, "raw-expired");
    await seed(100, "rollup-expired");
    await seed(500, "event-expired");
    await seed(800, "audit-expired");

    const result = await pruneExpired(env, NOW);

    expect(await tags("request_samples", "route")).toEqual(["fresh"]);
    expect(await tags("query_samples", "name")).toEqual(["fresh"]);
    expect(await tags("request_rollups", "route")).toEqual(["fresh", "raw-expired"]);
    expect(await tags("learning_events", "event_id")).toEqual(["fresh", "raw-expired", "rollup-expired"]);
    expect(await tags("audit_log", "id")).toEqual(["event-expired", "fresh", "raw-expired", "rollup-expired"]);
    expect(result).toMatchObject({ requestSamples: 4, querySamples: 4, requestRollups: 3, events: 2, audit: 1 });
  });

  it("runs from its cron trigger, not from the backup's", async () => {
    await env.DB.prepare(
      "INSERT INTO request_samples (tenant_id, service, route, method, status, duration_ms, at) VALUES ('acme', 'chat', 'ancient', 'GET', 200, 1, '2000-01-01T00:00:00.000Z')",
    ).run();
    const worker = new AnalyticsService(createExecutionContext(), env);
    // The daily backup cron is the backup's (unconfigured here: it skips); it does not sweep.
    await worker.scheduled(createScheduledController({ cron: "17 3 * * *" }));
    expect(await tags("request_samples", "route")).toContain("ancient");
    await worker.scheduled(createScheduledController({ cron: "*/15 * * * *" }));
    expect(await tags("request_samples", "route")).not.toContain("ancient");
  });
});
