import { nowIso } from "@atomic-guide/shared";
import { getRegistration, putRegistration } from "../lti/registry";
import { ensureTenant } from "../tenants/store";
import { type ApiTokenClaimsInput, mintApiToken } from "./api-token";

/** Test support: launch-shaped claims, with the tenant record a real launch would have created. */
export function claimsFor(tenantId: string, overrides: Partial<ApiTokenClaimsInput> = {}): ApiTokenClaimsInput {
  return {
    tenantId,
    userId: `user-${tenantId}`,
    roles: ["http://purl.imsglobal.org/vocab/lis/v2/membership#Learner"],
    contextId: `course-${tenantId}`,
    contextTitle: "Biology 101",
    name: "Ada Learner",
    launchId: crypto.randomUUID(),
    deploymentId: "deployment-1",
    issuer: "https://lms.example.edu",
    clientId: "client-1",
    messageType: "LtiResourceLinkRequest",
    ...overrides,
  };
}

/** The active registration a launch would have come through (tokens of inactive ones are refused). */
export async function ensureActiveRegistration(env: Env, claims: ApiTokenClaimsInput): Promise<void> {
  const existing = await getRegistration(env, claims.issuer, claims.clientId);
  if (existing?.status === "active") return;
  const now = nowIso();
  await putRegistration(env, {
    issuer: claims.issuer,
    clientId: claims.clientId,
    tenantId: claims.tenantId,
    status: "active",
    authorizationEndpoint: `${claims.issuer}/auth`,
    tokenEndpoint: `${claims.issuer}/token`,
    jwksUri: `${claims.issuer}/jwks`,
    deploymentIds: [claims.deploymentId],
    newDeployments: "reject",
    source: "manual",
    createdAt: now,
    updatedAt: now,
  });
}

export async function tokenFor(env: Env, tenantId: string, overrides: Partial<ApiTokenClaimsInput> = {}) {
  await ensureTenant(env, { tenantId, name: `Tenant ${tenantId}` });
  const claims = claimsFor(tenantId, overrides);
  await ensureActiveRegistration(env, claims);
  return (await mintApiToken(env, claims)).token;
}

export const bearer = (token: string) => ({ Authorization: `Bearer ${token}` });
