import { decodePathParam, parseJsonBody, parseWith } from "@atomic-guide/shared";
import { knownTenantIds, pinTenant, tenantRouting, unpinTenant } from "../../rollout/pins";
import { ROLLOUT_SERVICES, RolloutInputSchema, RolloutServiceSchema } from "../../rollout/record";
import { clearRollout, readRollout, writeRollout } from "../../rollout/store";
import type { GatewayRouter } from "../router";
import { existingTenant } from "./tenants";

const serviceParam = (params: Record<string, string | undefined>) =>
  parseWith(RolloutServiceSchema, decodePathParam(params.service), "unknown_service");

/**
 * /admin/rollout: which tenants are pinned to which candidate version of each service. The
 * operator token is checked for every /admin route before these run (./index.ts).
 */
export function registerRolloutAdminRoutes(router: GatewayRouter): void {
  router.get("/admin/rollout", async (_request, env) => {
    const entries = await Promise.all(
      ROLLOUT_SERVICES.map(async (service) => [service, await readRollout(env, service)] as const),
    );
    // For every tenant: the version of each service its calls (forwarded and RPC) reach.
    const tenants = await Promise.all(
      (await knownTenantIds(env)).map(async (tenantId) => ({ tenantId, services: await tenantRouting(env, tenantId) })),
    );
    return Response.json({ services: Object.fromEntries(entries), tenants });
  });

  // One call pins a tenant across every service that has a candidate (scripts/ops/pin-tenant.mjs).
  router.put("/admin/rollout/tenants/:tenantId", async (request, env) => {
    const tenant = await existingTenant(env, request.params.tenantId);
    return Response.json({ tenantId: tenant.tenantId, services: await pinTenant(env, tenant.tenantId) });
  });

  router.delete("/admin/rollout/tenants/:tenantId", async (request, env) => {
    const tenant = await existingTenant(env, request.params.tenantId);
    return Response.json({ tenantId: tenant.tenantId, services: await unpinTenant(env, tenant.tenantId) });
  });

  router.put("/admin/rollout/:service", async (request, env) => {
    const service = serviceParam(request.params);
    const input = await parseJsonBody(request, RolloutInputSchema);
    return Response.json(await writeRollout(env, service, input));
  });

  // Resetting the record is what a rollback does, so every tenant follows the percentages again.
  router.delete("/admin/rollout/:service", async (request, env) => {
    await clearRollout(env, serviceParam(request.params));
    return new Response(null, { status: 204 });
  });
}
