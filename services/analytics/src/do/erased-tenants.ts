import type { MetricSample } from "@atomic-guide/shared/metrics/schema";

/**
 * Services send their samples up to 250 ms (plus a 3 s send timeout) after the request, so some
 * naming an offboarded tenant arrive after its erasure: for this long they are kept without the tenant.
 */
const ERASED_TENANT_MEMORY_MS = 10 * 60_000;

/** The tenants a metrics buffer erased lately, in its own SQLite so an eviction forgets none. */
export class ErasedTenants {
  private readonly erased = new Map<string, number>();

  constructor(private readonly sql: SqlStorage) {
    sql.exec("CREATE TABLE IF NOT EXISTS erased_tenants (tenant TEXT PRIMARY KEY, at INTEGER NOT NULL)");
    sql.exec("DELETE FROM erased_tenants WHERE at < ?", Date.now() - ERASED_TENANT_MEMORY_MS);
    for (const row of sql.exec<{ tenant: string; at: number }>("SELECT tenant, at FROM erased_tenants"))
      this.erased.set(row.tenant, row.at);
  }

  remember(tenantId: string): void {
    const at = Date.now();
    this.sql.exec("INSERT OR REPLACE INTO erased_tenants (tenant, at) VALUES (?, ?)", tenantId, at);
    this.erased.set(tenantId, at);
  }

  /** A late sample of a tenant erased moments ago still counts, under no tenant. */
  strip(sample: MetricSample): MetricSample {
    if (sample.kind !== "request" || sample.tenantId === undefined) return sample;
    const erasedAt = this.erased.get(sample.tenantId);
    if (erasedAt === undefined || Date.now() - erasedAt > ERASED_TENANT_MEMORY_MS) return sample;
    const { tenantId: _, ...anonymous } = sample;
    return anonymous;
  }
}
