// Runs inside workerd, in each service's own tests: the performance gate over the service's
// named queries, planned against its migrated schema. The service adds its own cases (the index
// whose loss the gate must catch) inside the same describe.
import { checkQueryPlans, compiledOf, type NamedQuery } from "@atomic-guide/shared/metrics/query-plan";
import { describe, expect, it } from "vitest";

export function describeQueryPlanGate(db: D1Database, queries: readonly NamedQuery[], serviceCases: () => void): void {
  describe("query-plan gate", () => {
    it("lists each query once, under the name its SQL carries", () => {
      const names = queries.map((q) => q.name);
      expect(new Set(names).size).toBe(names.length);
      for (const q of queries) expect(compiledOf(q.build()).sql).toContain(`/* ${q.name} */`);
    });

    it("finds no query that scans a table it should search", async () => {
      expect(await checkQueryPlans(db, queries)).toEqual([]);
    });

    serviceCases();
  });
}
