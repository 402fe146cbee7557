import { ApiError, nowIso } from "@atomic-guide/shared";
import { createTenant, TenantExistsError } from "../tenants/store";
import { malformed } from "./errors";
import { withIdNamespace } from "./id-namespace";
import {
  getRegistration,
  newRevisionId,
  type PlatformRegistration,
  putRegistration,
  type RegistrationRevision,
} from "./registry";
import { defaultTenantId } from "./tenant-id";

export interface RegistrationOutcome {
  /** "revision": an existing registration got a pending revision and is otherwise unchanged. */
  kind: "created" | "revision";
  status: PlatformRegistration["status"];
}

type Fields = Omit<RegistrationRevision, "revisionId" | "receivedAt">;

/**
 * Stores what a dynamic registration produced. A new (issuer, client id) becomes a registration
 * in a new tenant (pending, or active with the local-only auto-activate). An existing one keeps
 * its status, tenant, endpoints and deployments; the new fields wait beside it as a pending
 * revision until an operator applies it, whatever the environment.
 */
export async function recordDynamicRegistration(
  env: Env,
  input: { issuer: string; clientId: string; label: string; autoActivate: boolean; fields: Fields },
): Promise<RegistrationOutcome> {
  const existing = await getRegistration(env, input.issuer, input.clientId);
  const now = nowIso();
  if (existing) {
    const revision: RegistrationRevision = { ...input.fields, revisionId: newRevisionId(), receivedAt: now };
    await putRegistration(env, { ...existing, pendingRevision: revision });
    return { kind: "revision", status: existing.status };
  }
  const tenantId = defaultTenantId(input.label);
  try {
    await createTenant(env, { tenantId, name: input.label });
  } catch (e) {
    if (e instanceof TenantExistsError) throw malformed("tenant_collision", "The new tenant id is taken; try again.");
    throw e;
  }
  const status = input.autoActivate ? "active" : "pending";
  const { name: _name, ...fields } = input.fields;
  const registration: PlatformRegistration = {
    issuer: input.issuer,
    clientId: input.clientId,
    tenantId,
    name: input.label,
    status,
    ...fields,
    source: "dynamic",
    createdAt: now,
    updatedAt: now,
  };
  await putRegistration(env, await withIdNamespace(env, registration));
  return { kind: "created", status };
}

/** Applies a pending revision: its endpoints and policy replace the active ones; deployments are merged. */
export function applyRevision(registration: PlatformRegistration, revisionId: string): PlatformRegistration {
  const revision = registration.pendingRevision;
  if (!revision || revision.revisionId !== revisionId) {
    throw new ApiError(404, "revision_not_found", "No pending revision with this id.");
  }
  const {
    pendingRevision: _applied,
    authorizationServer: _oldServer,
    productFamily: _oldFamily,
    ...rest
  } = registration;
  return {
    ...rest,
    ...(revision.name ? { name: revision.name } : {}),
    authorizationEndpoint: revision.authorizationEndpoint,
    tokenEndpoint: revision.tokenEndpoint,
    jwksUri: revision.jwksUri,
    ...(revision.authorizationServer ? { authorizationServer: revision.authorizationServer } : {}),
    ...(revision.productFamily ? { productFamily: revision.productFamily } : {}),
    deploymentIds: [...new Set([...registration.deploymentIds, ...revision.deploymentIds])],
    newDeployments: revision.newDeployments,
    status: "active",
  };
}
