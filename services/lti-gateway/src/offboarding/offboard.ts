import { BACKEND_SERVICES, type BackendService, createLogger, nowIso } from "@atomic-guide/shared";
import { getTenant } from "../tenants/store";
import { deleteTenantKv, deleteTenantRegistrations } from "./gateway-kv";
import { type ServiceRemoval, untilDone } from "./tenant-rpc";

const log = createLogger({ service: "lti-gateway", module: "offboarding" });

export interface OffboardingReceipt {
  tenantId: string;
  status: "complete" | "incomplete";
  services: Record<BackendService, ServiceRemoval>;
  kv: { keys: number };
  at: string;
}

/**
 * Offboards a tenant: registrations first (tokens and launches stop), then every service erases
 * the tenant's data, then the gateway's remaining KV. Idempotent: a tenant already gone erases
 * nothing and answers zero counts; after a failed service the tenant record stays (a retry
 * needs its d1Binding) and the receipt says `incomplete`.
 */
export async function offboardTenant(env: Env, tenantId: string): Promise<OffboardingReceipt> {
  const tenant = await getTenant(env, tenantId);
  const ref = { tenantId, ...(tenant?.d1Binding === undefined ? {} : { d1Binding: tenant.d1Binding }) };
  let keys = await deleteTenantRegistrations(env, tenantId);
  const outcomes = await Promise.all(
    BACKEND_SERVICES.map((service) => untilDone(env, service, tenantId, (rpc) => rpc.eraseTenant(ref))),
  );
  const services = Object.fromEntries(BACKEND_SERVICES.map((s, i) => [s, outcomes[i]])) as Record<
    BackendService,
    ServiceRemoval
  >;
  const complete = outcomes.every((o) => o?.status === "erased");
  if (complete) keys += await deleteTenantKv(env, tenantId);
  const receipt: OffboardingReceipt = {
    tenantId,
    status: complete ? "complete" : "incomplete",
    services,
    kv: { keys },
    at: nowIso(),
  };
  log.info("tenant offboarding", {
    tenantId,
    status: receipt.status,
    services: Object.fromEntries(Object.entries(services).map(([s, o]) => [s, o.status])),
  });
  return receipt;
}
