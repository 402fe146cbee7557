import { ApiError, nowIso, parseJsonBody, TenantIdSchema } from "@atomic-guide/shared";
import * as v from "valibot";
import { isLocalDevelopment } from "../../env";
import { ensureToolKey } from "../../keys/store";
import { applyRevision } from "../../lti/dynamic-registration-record";
import { withIdNamespace } from "../../lti/id-namespace";
import { forgetPlatformJwks } from "../../lti/platform-jwks";
import { isAllowedPlatformUrl } from "../../lti/platform-url";
import {
  ClientIdSchema,
  DeploymentIdSchema,
  deleteRegistration,
  getRegistration,
  IssuerSchema,
  listRegistrationsPage,
  NewDeploymentPolicySchema,
  type PlatformRegistration,
  putRegistration,
  registrationKeyFits,
} from "../../lti/registry";
import { defaultTenantId } from "../../lti/tenant-id";
import { announceRegistrationRevoked } from "../../sockets/announce";
import { createTenant, ensureTenant, TenantExistsError } from "../../tenants/store";
import type { GatewayRouter } from "../router";

const url = v.pipe(v.string(), v.url(), v.maxLength(2048));
/** Both parts of a registration's KV key together must stay under KV's 512-byte key limit. */
const storable = <T extends { issuer: string; clientId: string }>() =>
  v.check<T, string>((r) => registrationKeyFits(r.issuer, r.clientId), "issuer and clientId are too long together");

const ManualRegistrationSchema = v.pipe(
  v.strictObject({
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
  }),
  storable(),
);

const RegistrationRefSchema = v.pipe(v.strictObject({ issuer: IssuerSchema, clientId: ClientIdSchema }), storable());
const ActivateSchema = v.pipe(
  v.strictObject({
    issuer: IssuerSchema,
    clientId: ClientIdSchema,
    /** Applies this pending revision (from a dynamic re-registration) and activates. */
    revisionId: v.optional(v.pipe(v.string(), v.maxLength(64))),
  }),
  storable(),
);
const ListQuerySchema = v.object({
  cursor: v.optional(v.pipe(v.string(), v.minLength(1), v.maxLength(1024))),
  limit: v.optional(
    v.pipe(v.string(), v.regex(/^\d{1,3}$/), v.transform(Number), v.minValue(1), v.maxValue(100)),
    "50",
  ),
});

const summary = (r: PlatformRegistration) => ({
  tenantId: r.tenantId,
  issuer: r.issuer,
  clientId: r.clientId,
  status: r.status,
  ...(r.pendingRevision ? { pendingRevisionId: r.pendingRevision.revisionId } : {}),
});

async function requireRegistration(env: Env, issuer: string, clientId: string): Promise<PlatformRegistration> {
  const existing = await getRegistration(env, issuer, clientId);
  if (!existing) throw new ApiError(404, "not_found", "No registration for this issuer and client id.");
  return existing;
}

/** A tenant for a manual registration: the named one (joined on purpose), or a new random one. */
async function tenantFor(env: Env, named: string | undefined, existing: PlatformRegistration | null, label: string) {
  if (named) return (await ensureTenant(env, { tenantId: named, name: label })).tenantId;
  if (existing) return existing.tenantId;
  try {
    return (await createTenant(env, { tenantId: defaultTenantId(label), name: label })).tenantId;
  } catch (e) {
    if (e instanceof TenantExistsError) throw new ApiError(409, "tenant_collision", "The new tenant id is taken.");
    throw e;
  }
}

/** /admin/platforms: manual registration (activates at once), paged list, activate, deactivate, delete. */
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
    const tenantId = await tenantFor(env, body.tenantId, existing, label);
    await ensureToolKey(env);
    const now = nowIso();
    const registration: PlatformRegistration = {
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
      // Fixed at first activation, within its tenant: a registration moved to another tenant is decided afresh.
      ...(existing?.idNamespace === undefined || existing.tenantId !== tenantId
        ? {}
        : { idNamespace: existing.idNamespace }),
    };
    const saved = await putRegistration(env, await withIdNamespace(env, registration));
    await forgetPlatformJwks(env, saved.jwksUri);
    return Response.json(summary(saved), { status: existing ? 200 : 201 });
  });

  // Paged: one KV list call and at most `limit` reads per request, however many registrations exist.
  router.get("/admin/platforms", async (request, env) => {
    const query = v.safeParse(ListQuerySchema, Object.fromEntries(new URL(request.url).searchParams));
    if (!query.success) throw new ApiError(400, "invalid_query", "limit must be 1 to 100; cursor as returned.");
    const page = await listRegistrationsPage(env, {
      limit: query.output.limit,
      ...(query.output.cursor ? { cursor: query.output.cursor } : {}),
    });
    return Response.json(page);
  });

  router.post("/admin/platforms/activate", async (request, env) => {
    const body = await parseJsonBody(request, ActivateSchema);
    const existing = await requireRegistration(env, body.issuer, body.clientId);
    let next: PlatformRegistration | null = null;
    if (body.revisionId !== undefined) next = applyRevision(existing, body.revisionId);
    else if (existing.status !== "active") next = { ...existing, status: "active" };
    const saved = next ? await putRegistration(env, await withIdNamespace(env, next)) : existing;
    return Response.json(summary(saved));
  });

  router.post("/admin/platforms/deactivate", async (request, env) => {
    const body = await parseJsonBody(request, RegistrationRefSchema);
    const existing = await requireRegistration(env, body.issuer, body.clientId);
    const saved =
      existing.status === "inactive" ? existing : await putRegistration(env, { ...existing, status: "inactive" });
    const pending = await announceRegistrationRevoked(env, saved);
    return Response.json({ ...summary(saved), ...pending });
  });

  /** Drops a pending revision without applying it. */
  router.post("/admin/platforms/revision/discard", async (request, env) => {
    const body = await parseJsonBody(request, RegistrationRefSchema);
    const { pendingRevision: _dropped, ...rest } = await requireRegistration(env, body.issuer, body.clientId);
    return Response.json(summary(await putRegistration(env, rest)));
  });

  // The tenant and its data stay: other registrations may share the tenant; erasure is separate.
  router.post("/admin/platforms/delete", async (request, env) => {
    const body = await parseJsonBody(request, RegistrationRefSchema);
    const existing = await requireRegistration(env, body.issuer, body.clientId);
    await deleteRegistration(env, body.issuer, body.clientId);
    const pending = await announceRegistrationRevoked(env, existing);
    return Response.json({ issuer: body.issuer, clientId: body.clientId, deleted: true, ...pending });
  });
}
