// Integration tests: how many rows a tenant has in each service's shared database (or in one
// database the test names), counted in the tables the test names (only the non-empty ones are reported).
import type { RunningSystem } from "./system";
import type { ServiceName } from "./vitest-workers";

/** `service.table` → rows of the tenant, for each named table that has any. */
export async function tenantRowCounts(
  system: RunningSystem,
  tenantId: string,
  tables: Partial<Record<ServiceName, readonly string[]>>,
): Promise<Record<string, number>> {
  const counts: Record<string, number> = {};
  for (const [service, names] of Object.entries(tables) as [ServiceName, readonly string[]][]) {
    Object.assign(counts, await tenantRowsIn(await system.db(service), service, tenantId, names));
  }
  return counts;
}

/** `service.table` → rows of the tenant in `db`, for each named table that has any. */
export async function tenantRowsIn(
  db: D1Database,
  service: ServiceName,
  tenantId: string,
  tables: readonly string[],
): Promise<Record<string, number>> {
  const counts: Record<string, number> = {};
  for (const table of tables) {
    const row = await db
      .prepare(`SELECT COUNT(*) AS n FROM ${table} WHERE tenant_id = ?`)
      .bind(tenantId)
      .first<{ n: number }>();
    if (row && row.n > 0) counts[`${service}.${table}`] = row.n;
  }
  return counts;
}
