import { IdSchema, IsoTimestampSchema, nowIso, TenantIdSchema } from "@atomic-guide/shared";
import * as v from "valibot";

/** One LTI deployment id: up to 255 ASCII characters, case-sensitive [Core §3.1.3]. */
export const DeploymentIdSchema = v.pipe(
  v.string(),
  v.minLength(1),
  v.maxLength(255),
  v.regex(/^[\x20-\x7e]+$/, "must be ASCII"),
);
export const IssuerSchema = v.pipe(v.string(), v.minLength(1), v.maxLength(2048), v.url());
export const ClientIdSchema = IdSchema;

/**
 * What happens when a verified launch (signature, issuer, audience, state and nonce all good)
 * names a deployment id that is not on the allow-list:
 * - "reject": refused with `unknown_deployment` until an operator adds it.
 * - "adopt": recorded on the allow-list and accepted. Used when the platform tells us no
 *   deployment ids at registration (Canvas), because a token that passed every other check was
 *   signed by this registration's own platform for our client id: only that institution's
 *   administrators can create deployments of its developer key.
 */
export const NewDeploymentPolicySchema = v.picklist(["reject", "adopt"]);
export type NewDeploymentPolicy = v.InferOutput<typeof NewDeploymentPolicySchema>;

export const PlatformRegistrationSchema = v.object({
  issuer: IssuerSchema,
  clientId: ClientIdSchema,
  tenantId: TenantIdSchema,
  name: v.optional(v.pipe(v.string(), v.maxLength(200))),
  status: v.picklist(["pending", "active"]),
  authorizationEndpoint: v.pipe(v.string(), v.url()),
  tokenEndpoint: v.pipe(v.string(), v.url()),
  jwksUri: v.pipe(v.string(), v.url()),
  /** OAuth audience for client assertions when the platform names one (Canvas). */
  authorizationServer: v.optional(v.pipe(v.string(), v.maxLength(2048))),
  deploymentIds: v.pipe(v.array(DeploymentIdSchema), v.maxLength(1000)),
  newDeployments: NewDeploymentPolicySchema,
  productFamily: v.optional(v.pipe(v.string(), v.maxLength(64))),
  source: v.picklist(["manual", "dynamic"]),
  createdAt: IsoTimestampSchema,
  updatedAt: IsoTimestampSchema,
});
export type PlatformRegistration = v.InferOutput<typeof PlatformRegistrationSchema>;

// Components are URI-encoded so an issuer containing ":" can never collide with another pair.
const issuerPrefix = (issuer: string) => `registration:${encodeURIComponent(issuer)}:`;
const registrationKey = (issuer: string, clientId: string) => `${issuerPrefix(issuer)}${encodeURIComponent(clientId)}`;

export async function getRegistration(
  env: Env,
  issuer: string,
  clientId: string,
): Promise<PlatformRegistration | null> {
  const raw = await env.PLATFORMS.get(registrationKey(issuer, clientId), "json");
  const parsed = v.safeParse(PlatformRegistrationSchema, raw);
  return parsed.success ? parsed.output : null;
}

export async function putRegistration(env: Env, registration: PlatformRegistration): Promise<PlatformRegistration> {
  const valid = v.parse(PlatformRegistrationSchema, { ...registration, updatedAt: nowIso() });
  await env.PLATFORMS.put(registrationKey(valid.issuer, valid.clientId), JSON.stringify(valid));
  return valid;
}

/** Every registration of one issuer (bounded: a single issuer rarely has more than a handful). */
export async function registrationsForIssuer(env: Env, issuer: string): Promise<PlatformRegistration[]> {
  return listUnder(env, issuerPrefix(issuer), 100);
}

export async function listRegistrations(env: Env): Promise<PlatformRegistration[]> {
  return listUnder(env, "registration:", 1000);
}

async function listUnder(env: Env, prefix: string, max: number): Promise<PlatformRegistration[]> {
  const names: string[] = [];
  let cursor: string | undefined;
  do {
    const page = await env.PLATFORMS.list({ prefix, cursor, limit: Math.min(1000, max) });
    names.push(...page.keys.map((k) => k.name));
    cursor = page.list_complete ? undefined : page.cursor;
  } while (cursor && names.length < max);
  const values = await Promise.all(names.slice(0, max).map((n) => env.PLATFORMS.get(n, "json")));
  return values.flatMap((raw) => {
    const parsed = v.safeParse(PlatformRegistrationSchema, raw);
    return parsed.success ? [parsed.output] : [];
  });
}

/**
 * Resolves the registration for a login: by (iss, client_id); without client_id only when
 * exactly one registration exists for the issuer (Canvas cloud shares one issuer across all
 * customers, so its logins always carry client_id).
 */
export async function resolveRegistration(
  env: Env,
  issuer: string,
  clientId: string | undefined,
): Promise<PlatformRegistration | null> {
  if (clientId) return getRegistration(env, issuer, clientId);
  const all = await registrationsForIssuer(env, issuer);
  return all.length === 1 ? (all[0] ?? null) : null;
}

/** Adds a deployment id under the "adopt" policy; idempotent. */
export async function adoptDeployment(env: Env, registration: PlatformRegistration, deploymentId: string) {
  const fresh = (await getRegistration(env, registration.issuer, registration.clientId)) ?? registration;
  if (fresh.deploymentIds.includes(deploymentId)) return fresh;
  return putRegistration(env, { ...fresh, deploymentIds: [...fresh.deploymentIds, deploymentId] });
}

/**
 * Whether a service URL from a verified launch (Names and Roles, AGS) plausibly belongs to the
 * registration's platform: on the host of one of its registered endpoints or its issuer. A
 * token is signed by the platform, but a compromised course-level setting must not turn the
 * tool's access token into a credential sent elsewhere.
 */
export function isPlatformServiceUrl(raw: string, registration: PlatformRegistration): boolean {
  let host: string;
  try {
    host = new URL(raw).host;
  } catch {
    return false;
  }
  const known = [
    registration.issuer,
    registration.tokenEndpoint,
    registration.authorizationEndpoint,
    registration.jwksUri,
  ];
  return known.some((u) => URL.canParse(u) && new URL(u).host === host);
}
