import { env } from "cloudflare:workers";
import { checkQueryPlans } from "@atomic-guide/shared/metrics/query-plan";
import { describe, expect, it } from "vitest";
import { namedQueries } from "./queries";

// The performance gate: every named query, planned against the migrated schema, searches
// through an index; only the allow-listed small tables may be scanned.
describe("query-plan gate", () => {
  it("lists each query once, under the name its SQL carries", () => {
    const names = namedQueries.map((q) => q.name);
    expect(new Set(names).size).toBe(names.length);
    for (const q of namedQueries) {
      const built = q.build();
      const text = "compile" in built ? built.compile().sql : built.sql;
      expect(text).toContain(`/* ${q.name} */`);
    }
  });

  it("finds no query that scans a table it should search", async () => {
    expect(await checkQueryPlans(env.DB, namedQueries)).toEqual([]);
  });

  it("fails when an index a query relies on is dropped", async () => {
    await env.DB.prepare("DROP INDEX idx_request_samples_at").run();
    await env.DB.prepare("DROP INDEX idx_request_rollups_service_minute").run();
    await env.DB.prepare("DROP INDEX idx_request_rollups_minute").run();
    const violations = await checkQueryPlans(env.DB, namedQueries);
    expect(violations.map((v) => v.query).sort()).toEqual([
      "metrics.routeRollups",
      "retention.requestRollups",
      "retention.requestSamples",
    ]);
    expect(violations.every((v) => v.detail.startsWith("SCAN"))).toBe(true);
  });
});
