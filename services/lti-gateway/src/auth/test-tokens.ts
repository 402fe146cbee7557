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

export async function tokenFor(env: Env, tenantId: string, overrides: Partial<ApiTokenClaimsInput> = {}) {
  await ensureTenant(env, { tenantId, name: `Tenant ${tenantId}` });
  return (await mintApiToken(env, claimsFor(tenantId, overrides))).token;
}

export const bearer = (token: string) => ({ Authorization: `Bearer ${token}` });
