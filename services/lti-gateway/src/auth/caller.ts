import { ApiError, type AuthContext, tagRequestTenant } from "@atomic-guide/shared";
import { IsolateCache } from "@atomic-guide/shared/isolate-cache";
import { enforceLimit } from "../limits/limiter";
import { API_LIMIT } from "../limits/policy";
import { tenantPins } from "../rollout/version-headers";
import { getTenant, type Tenant } from "../tenants/store";
import { API_TOKEN_TTL_SECONDS, type ApiTokenClaims, apiClaimsFrom } from "./api-token";
import { assertNotRevoked, type RevocationOptions } from "./revocation";

/** A verified caller: the token's claims and the context forwarded to services. */
export interface Caller {
  claims: ApiTokenClaims;
  auth: AuthContext;
  /** When the API token expires, in ms since the epoch. */
  expiresAtMs: number;
}

/**
 * Every /api request needs its tenant's record; each isolate keeps the ones it found for a few
 * seconds (never a miss, so a new tenant works at once). A record rarely changes, and then only
 * by an operator moving the tenant to a dedicated database.
 */
const tenants = new IsolateCache<Tenant>({ ttlMs: 10_000, maxKeys: 1000 });

const tenantRecord = (env: Env, tenantId: string): Promise<Tenant | null> =>
  tenants.getOrLoad(tenantId, () => getTenant(env, tenantId));

/** Who is calling, as the token or the launch says; the rest of an AuthContext comes from the tenant. */
export type CallerIdentity = Omit<AuthContext, "d1Binding" | "pins">;

/** The identity with where the tenant's data lives (its dedicated D1 binding) and its version pins. */
export async function serviceAuthFor(env: Env, identity: CallerIdentity, tenant: Tenant): Promise<AuthContext> {
  const pins = await tenantPins(env, identity.tenantId);
  return {
    ...identity,
    ...(tenant.d1Binding === undefined ? {} : { d1Binding: tenant.d1Binding }),
    ...(pins ? { pins } : {}),
  };
}

/** serviceAuthFor for a tenant known only by id; null when it no longer exists (offboarded). */
export async function serviceAuthOf(env: Env, identity: CallerIdentity): Promise<AuthContext | null> {
  const tenant = await tenantRecord(env, identity.tenantId);
  return tenant ? serviceAuthFor(env, identity, tenant) : null;
}

/**
 * Turns verified claims into the context services receive, with the tenant's dedicated D1
 * binding from its record. A token whose tenant no longer exists (offboarded) is refused: its
 * data location is unknown, and guessing the shared database could put rows in the wrong place.
 */
export async function callerFromClaims(
  env: Env,
  claims: ApiTokenClaims,
  expiresAtMs: number,
  revocation: RevocationOptions = {},
): Promise<Caller> {
  const tenant = await tenantRecord(env, claims.tenantId);
  if (!tenant)
    throw new ApiError(401, "invalid_token", "The API token names an unknown tenant. Launch the tool again.");
  // Tokens are minted with exactly this lifetime, so their issue time follows from the expiry.
  await assertNotRevoked(env, claims, expiresAtMs - API_TOKEN_TTL_SECONDS * 1000, revocation);
  const auth = await serviceAuthFor(
    env,
    {
      tenantId: claims.tenantId,
      userId: claims.userId,
      roles: claims.roles,
      isInstructor: claims.isInstructor,
      contextId: claims.contextId,
      ...(claims.name === undefined ? {} : { name: claims.name }),
      launchId: claims.launchId,
    },
    tenant,
  );
  return { claims, auth, expiresAtMs };
}

/**
 * Verifies the request's Bearer API token (401 when missing, expired, forged or mis-scoped) and
 * counts the call against the user's rate limit (429 rate_limited past it).
 */
export async function authenticate(request: Request, env: Env, revocation: RevocationOptions = {}): Promise<Caller> {
  const { claims, expiresAtMs } = await apiClaimsFrom(request, env);
  const caller = await callerFromClaims(env, claims, expiresAtMs, revocation);
  // Request metrics are per tenant; the gateway learns the tenant only here.
  tagRequestTenant(request, caller.auth.tenantId);
  await enforceLimit(env, API_LIMIT, `${caller.auth.tenantId}:${caller.auth.userId}`);
  return caller;
}
