import { env } from "cloudflare:workers";
import { checkQueryPlans, compiledOf, planOf } from "@atomic-guide/shared/metrics/query-plan";
import { expect, it } from "vitest";
import { describeQueryPlanGate } from "../../../../tests/support/query-plan-suite";
import { FTS_TABLE, namedQueries } from "./query-plan-cases";

/** An FTS5 step constrained by MATCH (M) or by rowid (=); `INDEX 0:` alone reads every row. */
const FTS_DRIVEN = new RegExp(`^SCAN ${FTS_TABLE} VIRTUAL TABLE INDEX \\d+:.*[M=]`);

describeQueryPlanGate(env.DB, namedQueries, () => {
  it("reads the FTS table only through MATCH or rowid", async () => {
    const ftsSteps: { query: string; detail: string }[] = [];
    for (const q of namedQueries) {
      for (const row of await planOf(env.DB, compiledOf(q.build()))) {
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
