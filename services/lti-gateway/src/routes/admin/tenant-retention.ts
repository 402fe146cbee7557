import { LearnerDataRetentionDaysSchema, parseJsonBody } from "@atomic-guide/shared";
import * as v from "valibot";
import { putTenant, retentionDaysOf, type Tenant } from "../../tenants/store";
import type { GatewayRouter } from "../router";
import { existingTenant } from "./tenants";

const NO_STORE = { "Cache-Control": "no-store" };

const RetentionBodySchema = v.strictObject({ learnerDataRetentionDays: LearnerDataRetentionDaysSchema });

const view = (t: Tenant) => ({
  tenantId: t.tenantId,
  learnerDataRetentionDays: retentionDaysOf(t),
  isDefault: t.learnerDataRetentionDays === undefined,
});

/** /admin/tenants/:tenantId/retention: how long the tenant's learner data is kept after its last activity. */
export function registerTenantRetentionRoutes(router: GatewayRouter): void {
  router.get("/admin/tenants/:tenantId/retention", async (request, env) => {
    return Response.json(view(await existingTenant(env, request.params.tenantId)), { headers: NO_STORE });
  });

  router.put("/admin/tenants/:tenantId/retention", async (request, env) => {
    const tenant = await existingTenant(env, request.params.tenantId);
    const body = await parseJsonBody(request, RetentionBodySchema);
    const saved = await putTenant(env, { ...tenant, learnerDataRetentionDays: body.learnerDataRetentionDays });
    return Response.json(view(saved), { headers: NO_STORE });
  });
}
