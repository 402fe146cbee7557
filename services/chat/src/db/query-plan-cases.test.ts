import { env } from "cloudflare:workers";
import { checkQueryPlans, type PlanRow } from "@atomic-guide/shared/metrics/query-plan";
import type { CompiledQuery } from "kysely";
import { describe, expect, it } from "vitest";
import { FTS_TABLE, namedQueries } from "./query-plan-cases";

const compiled = (q: (typeof namedQueries)[number]): CompiledQuery<unknown> => {
  const built = q.build();
  return "compile" in built ? built.compile() : built;
};

const plan = async (q: CompiledQuery<unknown>) =>
  (
    await env.DB.prepare(`EXPLAIN QUERY PLAN ${q.sql}`)
      .bind(...q.parameters)
      .all<PlanRow>()
  ).results;

/** An FTS5 step constrained by MATCH (M) or by rowid (=); `INDEX 0:` alone reads every row. */
const FTS_DRIVEN = new RegExp(`^SCAN ${FTS_TABLE} VIRTUAL TABLE INDEX \\d+:.*[M=]`);

// The performance gate: every named query, planned against the migrated schema, searches
// through an index.
describe("query-plan gate", () => {
  it("lists each query once, under the name its SQL carries", () => {
    const names = namedQueries.map((q) => q.name);
    expect(new Set(names).size).toBe(names.length);
    for (const q of namedQueries) expect(compiled(q).sql).toContain(`/* ${q.name} */`);
  });

  it("finds no query that scans a table it should search", async () => {
    expect(await checkQueryPlans(env.DB, namedQueries)).toEqual([]);
  });

  it("reads the FTS table only through MATCH or rowid", async () => {
    const ftsSteps: { query: string; detail: string }[] = [];
    for (const q of namedQueries) {
      for (const row of await plan(compiled(q))) {
        if (row.detail.startsWith(`SCAN ${FTS_TABLE} `)) ftsSteps.push({ query: q.name, detail: row.detail });
      }
    }
    expect(ftsSteps.map((s) => s.query).sort()).toEqual(["faq.search", "faq.unindex", "tenant.deleteFaqIndex"]);
    for (const step of ftsSteps) expect(step.detail, step.query).toMatch(FTS_DRIVEN);
  });

  it("fails when an index a query relies on is dropped", async () => {
    await env.DB.prepare("DROP INDEX idx_outbox_applied_at").run();
    const violations = await checkQueryPlans(env.DB, namedQueries);
    expect(violations.map((v) => v.query).sort()).toEqual(["outbox.applied_prune"]);
  });
});
