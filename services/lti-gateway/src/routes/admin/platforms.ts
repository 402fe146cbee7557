import { ApiError, nowIso, parseJsonBody, TenantIdSchema } from "@atomic-guide/shared";
import * as v from "valibot";
import { isLocalDevelopment } from "../../env";
import { isAllowedPlatformUrl } from "../../lti/platform-url";
import {
  ClientIdSchema,
  DeploymentIdSchema,
  getRegistration,
  IssuerSchema,
  listRegistrations,
  NewDeploymentPolicySchema,
  putRegistration,
} from "../../lti/registry";
import { defaultTenantId } from "../../lti/tenant-id";
import { ensureTenant } from "../../tenants/store";
import type { GatewayRouter } from "../router";

const url = v.pipe(v.string(), v.url(), v.maxLength(2048));

const ManualRegistrationSchema = v.strictObject({
  issuer: IssuerSchema,
  clientId: ClientIdSchema,
  deploymentIds: v.pipe(v.array(DeploymentIdSchema), v.maxLength(1000)),
  authorizationEndpoint: url,
  tokenEndpoint: url,
  jwksUri: url,
  name: v.optional(v.pipe(v.string(), v.minLength(1), v.maxLength(200))),
  tenantId: v.optional(TenantIdSchema),
  authorizationServer: v.optional(v.pipe(v.string(), v.maxLength(2048))),
  /** Defaults to "adopt" when deploymentIds is empty (Canvas), otherwise "reject". */
  newDeployments: v.optional(NewDeploymentPolicySchema),
});

const ActivateSchema = v.strictObject({ issuer: IssuerSchema, clientId: ClientIdSchema });

/** /admin/platforms: manual registration (activates at once), list, activate. */
export function registerPlatformAdminRoutes(router: GatewayRouter): void {
  router.post("/admin/platforms", async (request, env) => {
    const body = await parseJsonBody(request, ManualRegistrationSchema);
    const allowLoopback = isLocalDevelopment(env);
    for (const [field, value] of [
      ["authorizationEndpoint", body.authorizationEndpoint],
      ["tokenEndpoint", body.tokenEndpoint],
      ["jwksUri", body.jwksUri],
    ] as const) {
      if (!isAllowedPlatformUrl(value, allowLoopback)) {
        throw new ApiError(400, "insecure_platform_url", `${field} must be an https URL.`);
      }
    }
    const existing = await getRegistration(env, body.issuer, body.clientId);
    const label = body.name ?? new URL(body.issuer).host;
    const tenantId = body.tenantId ?? existing?.tenantId ?? (await defaultTenantId(label, body.issuer, body.clientId));
    await ensureTenant(env, { tenantId, name: label });
    const now = nowIso();
    const saved = await putRegistration(env, {
      issuer: body.issuer,
      clientId: body.clientId,
      tenantId,
      ...(body.name ? { name: body.name } : existing?.name ? { name: existing.name } : {}),
      status: "active",
      authorizationEndpoint: body.authorizationEndpoint,
      tokenEndpoint: body.tokenEndpoint,
      jwksUri: body.jwksUri,
      ...(body.authorizationServer ? { authorizationServer: body.authorizationServer } : {}),
      deploymentIds: [...new Set(body.deploymentIds)],
      newDeployments: body.newDeployments ?? (body.deploymentIds.length === 0 ? "adopt" : "reject"),
      ...(existing?.productFamily ? { productFamily: existing.productFamily } : {}),
      source: existing?.source ?? "manual",
      createdAt: existing?.createdAt ?? now,
      updatedAt: now,
    });
    return Response.json(
      { tenantId: saved.tenantId, issuer: saved.issuer, clientId: saved.clientId, status: saved.status },
      { status: existing ? 200 : 201 },
    );
  });

  router.get("/admin/platforms", async (_request, env) => {
    const platforms = await listRegistrations(env);
    return Response.json({ platforms });
  });

  router.post("/admin/platforms/activate", async (request, env) => {
    const body = await parseJsonBody(request, ActivateSchema);
    const existing = await getRegistration(env, body.issuer, body.clientId);
    if (!existing) throw new ApiError(404, "not_found", "No registration for this issuer and client id.");
    const saved =
      existing.status === "active" ? existing : await putRegistration(env, { ...existing, status: "active" });
    return Response.json({
      tenantId: saved.tenantId,
      issuer: saved.issuer,
      clientId: saved.clientId,
      status: saved.status,
    });
  });
}
