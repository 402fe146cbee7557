import { BACKEND_SERVICES, type BackendService, createLogger } from "@atomic-guide/shared";
import { type ServiceRemoval, untilDone } from "../offboarding/tenant-rpc";
import { listTenantsPage, retentionDaysOf, type Tenant } from "../tenants/store";

const log = createLogger({ service: "lti-gateway", module: "retention" });

/** The services that keep learner data in Durable Objects and D1 beyond analytics' own windows. */
const SWEPT: readonly BackendService[] = BACKEND_SERVICES.filter((s) => s !== "analytics");

export type TenantSweep = { tenantId: string } & Partial<Record<BackendService, ServiceRemoval>>;

/** One tenant: each swept service removes what is older than the tenant's period. */
export async function sweepTenant(env: Env, tenant: Tenant, nowMs: number): Promise<TenantSweep> {
  const sweep = {
    tenantId: tenant.tenantId,
    ...(tenant.d1Binding === undefined ? {} : { d1Binding: tenant.d1Binding }),
    retentionDays: retentionDaysOf(tenant),
    nowMs,
  };
  const result: TenantSweep = { tenantId: tenant.tenantId };
  for (const service of SWEPT) {
    result[service] = await untilDone(env, service, tenant.tenantId, (rpc) => rpc.sweepExpiredLearnerData(sweep));
  }
  return result;
}

/**
 * The gateway's daily cron: the gateway alone knows every tenant and its period, so it drives
 * the services' sweeps. A failed service is logged and swept again the next day.
 */
export async function sweepAllTenants(env: Env, nowMs: number): Promise<TenantSweep[]> {
  const results: TenantSweep[] = [];
  let cursor: string | undefined;
  do {
    const page = await listTenantsPage(env, { cursor, limit: 100 });
    for (const tenant of page.tenants) results.push(await sweepTenant(env, tenant, nowMs));
    cursor = page.cursor;
  } while (cursor);
  log.info("retention sweep", {
    tenants: results.length,
    failed: results.filter((r) => SWEPT.some((s) => r[s]?.status === "failed")).length,
  });
  return results;
}
