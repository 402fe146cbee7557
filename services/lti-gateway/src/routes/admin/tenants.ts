import { ApiError, decodePathParam, parseJsonBody, TenantIdSchema } from "@atomic-guide/shared";
import * as v from "valibot";
import { getFlags, TenantFlagsUpdateSchema, updateFlags } from "../../flags/store";
import { getTenant, type Tenant } from "../../tenants/store";
import type { GatewayRouter } from "../router";

const NO_STORE = { "Cache-Control": "no-store" };

/** The tenant named in the path, which must exist, so a typo never creates settings nobody reads. */
export async function existingTenant(env: Env, raw: string | undefined): Promise<Tenant> {
  const tenantId = decodePathParam(raw);
  const tenant = v.is(TenantIdSchema, tenantId) ? await getTenant(env, tenantId) : null;
  if (tenant === null) throw new ApiError(404, "tenant_not_found", "No tenant with that id.");
  return tenant;
}

const existingTenantId = async (env: Env, raw: string | undefined) => (await existingTenant(env, raw)).tenantId;

/**
 * /admin/tenants/:tenantId/flags. PUT is a partial update: the flags named in the body change,
 * the others keep their value (a full object therefore replaces them all); the answer is the
 * complete set after the change. Both answer the bare flags object, so a GET body can be PUT back
 * (PUT adds `sockets` when open sockets could not be closed yet: docs/api.md).
 */
export function registerTenantAdminRoutes(router: GatewayRouter): void {
  router.get("/admin/tenants/:tenantId/flags", async (request, env) => {
    const tenantId = await existingTenantId(env, request.params.tenantId);
    return Response.json(await getFlags(env, tenantId), { headers: NO_STORE });
  });

  router.put("/admin/tenants/:tenantId/flags", async (request, env) => {
    const tenantId = await existingTenantId(env, request.params.tenantId);
    const update = await parseJsonBody(request, TenantFlagsUpdateSchema);
    const { flags, pending } = await updateFlags(env, tenantId, update);
    // `sockets` only when a service could not be told: the flags alone stay a body that can be PUT back.
    return Response.json({ ...flags, ...pending }, { headers: NO_STORE });
  });
}
