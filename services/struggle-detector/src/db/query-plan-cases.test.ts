import { env } from "cloudflare:workers";
import { checkQueryPlans } from "@atomic-guide/shared/metrics/query-plan";
import { expect, it } from "vitest";
import { describeQueryPlanGate } from "../../../../tests/support/query-plan-suite";
import { namedQueries } from "./query-plan-cases";

describeQueryPlanGate(env.DB, namedQueries, () => {
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
