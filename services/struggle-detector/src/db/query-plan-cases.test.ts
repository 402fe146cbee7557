import { env } from "cloudflare:workers";
import { checkQueryPlans } from "@atomic-guide/shared/metrics/query-plan";
import { describe, expect, it } from "vitest";
import { namedQueries } from "./query-plan-cases";

// The performance gate: every named query, planned against the migrated schema, searches
// through an index.
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

  // Tables keyed by tenant still search their primary key without a secondary index, so the
  // index whose loss turns a query into a full scan is the outbox's retention index.
  it("fails when an index a query relies on is dropped", async () => {
    await env.DB.prepare("DROP INDEX idx_outbox_applied_at").run();
    const violations = await checkQueryPlans(env.DB, namedQueries);
    expect(violations).toEqual([
      {
        query: "outbox.applied_prune",
        table: "_outbox_applied",
        detail: expect.stringMatching(/^SCAN _outbox_applied/),
      },
    ]);
  });
});
