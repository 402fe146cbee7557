import { ApiError, decodePathParam, parseJsonBody, parseQuery, TenantIdSchema } from "@atomic-guide/shared";
import * as v from "valibot";
import { registrationsByTenant } from "../../offboarding/gateway-kv";
import { offboardTenant } from "../../offboarding/offboard";
import { listTenantsPage, retentionDaysOf } from "../../tenants/store";
import type { GatewayRouter } from "../router";

const NO_STORE = { "Cache-Control": "no-store" };

const ListQuerySchema = v.object({
  cursor: v.optional(v.pipe(v.string(), v.minLength(1), v.maxLength(1024))),
  limit: v.optional(
    v.pipe(v.string(), v.regex(/^\d{1,3}$/), v.transform(Number), v.minValue(1), v.maxValue(100)),
    "50",
  ),
});

/** The tenant id typed again: offboarding is never one typo away. */
const OffboardBodySchema = v.strictObject({ confirm: v.pipe(v.string(), v.maxLength(64)) });

/** GET /admin/tenants (paged) and POST /admin/tenants/:tenantId/offboard. */
export function registerTenantLifecycleRoutes(router: GatewayRouter): void {
  router.get("/admin/tenants", async (request, env) => {
    const query = parseQuery(new URL(request.url), ListQuerySchema);
    const [page, registrations] = await Promise.all([
      listTenantsPage(env, { cursor: query.cursor, limit: query.limit }),
      registrationsByTenant(env),
    ]);
    const tenants = page.tenants.map((t) => ({
      tenantId: t.tenantId,
      name: t.name,
      d1Binding: t.d1Binding ?? null,
      registrations: registrations.get(t.tenantId)?.length ?? 0,
      learnerDataRetentionDays: retentionDaysOf(t),
      createdAt: t.createdAt,
    }));
    return Response.json({ tenants, ...(page.cursor ? { cursor: page.cursor } : {}) }, { headers: NO_STORE });
  });

  router.post("/admin/tenants/:tenantId/offboard", async (request, env) => {
    const tenantId = decodePathParam(request.params.tenantId);
    if (!v.is(TenantIdSchema, tenantId))
      throw new ApiError(400, "invalid_tenant_id", "The tenant id is not a tenant slug.");
    const body = await parseJsonBody(request, OffboardBodySchema);
    if (body.confirm !== tenantId) {
      throw new ApiError(400, "confirmation_mismatch", "Body field confirm must repeat the tenant id in the path.");
    }
    const receipt = await offboardTenant(env, tenantId);
    return Response.json(receipt, { status: receipt.status === "complete" ? 200 : 202, headers: NO_STORE });
  });
}
