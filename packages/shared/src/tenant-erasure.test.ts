import { describe, expect, it } from "vitest";
import { eraseInPages } from "./tenant-erasure";

/** Two databases holding 3 and 2 pages of a tenant's learners (2 rows and 1 object per page). */
function tenantOf(pages: Record<string, number>) {
  const left = { ...pages };
  let finished = 0;
  return {
    dbs: Object.keys(pages),
    erasePage: async (db: string) => {
      left[db] = (left[db] ?? 0) - 1;
      return { rows: 2, objects: 1, more: (left[db] ?? 0) > 0 };
    },
    finish: async () => {
      finished++;
      return { rows: 10, objects: 1 };
    },
    finished: () => finished,
  };
}

describe("offboarding in bounded calls", () => {
  it("stops at the per-call bound and says more is left, then finishes on a later call", async () => {
    const tenant = tenantOf({ DB: 3, DB_TENANT_X: 2 });
    const first = await eraseInPages(tenant.dbs, 4, tenant.erasePage, tenant.finish);
    expect(first).toEqual({ rows: 8, objects: 4, done: false });
    expect(tenant.finished()).toBe(0);
    const second = await eraseInPages(tenant.dbs.slice(1), 4, tenant.erasePage, tenant.finish);
    expect(second).toEqual({ rows: 2 + 10, objects: 1 + 1, done: true });
    expect(tenant.finished()).toBe(1);
  });

  it("finishes at once when every database has a single page", async () => {
    const tenant = tenantOf({ DB: 1 });
    expect(await eraseInPages(tenant.dbs, 4, tenant.erasePage, tenant.finish)).toEqual({
      rows: 12,
      objects: 2,
      done: true,
    });
  });
});
