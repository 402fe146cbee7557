import { env } from "cloudflare:workers";
import { checkQueryPlans } from "@atomic-guide/shared/metrics/query-plan";
import { expect, it } from "vitest";
import { describeQueryPlanGate } from "../../../../tests/support/query-plan-suite";
import { namedQueries } from "./query-plan-cases";

// Only the allow-listed small tables may be scanned.
describeQueryPlanGate(env.DB, namedQueries, () => {
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
