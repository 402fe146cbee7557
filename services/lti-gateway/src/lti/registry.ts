import { IdSchema, IsoTimestampSchema, nowIso, randomBase64Url, TenantIdSchema } from "@atomic-guide/shared";
import { IsolateCache } from "@atomic-guide/shared/isolate-cache";
import * as v from "valibot";
import { IdNamespaceSchema } from "../auth/platform-ids";
import { readValidValues, readValuePage } from "../kv-page";

/** One LTI deployment id: up to 255 ASCII characters, case-sensitive [Core §3.1.3]. */
export const DeploymentIdSchema = v.pipe(
  v.string(),
  v.minLength(1),
  v.maxLength(255),
  v.regex(/^[\x20-\x7e]+$/, "must be ASCII"),
);
export const IssuerSchema = v.pipe(
  v.string(),
  v.minLength(1),
  v.maxLength(2048),
  // A lone surrogate passes v.url() (the URL parser replaces it) but no KV key can hold it.
  v.check((s) => s.isWellFormed(), "must be well-formed Unicode"),
  v.url(),
);
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

/** Longest KV key (UTF-8 bytes); a longer one makes the KV call throw, so inputs that would need one are refused. */
export const MAX_KV_KEY_BYTES = 512;

const RevisionIdSchema = v.pipe(v.string(), v.regex(/^[A-Za-z0-9_-]{16,64}$/));

/** What a platform tells about itself, in a registration and in a revision of it alike. */
const platformFields = {
  name: v.optional(v.pipe(v.string(), v.maxLength(200))),
  authorizationEndpoint: v.pipe(v.string(), v.url()),
  tokenEndpoint: v.pipe(v.string(), v.url()),
  jwksUri: v.pipe(v.string(), v.url()),
  /** OAuth audience for client assertions when the platform names one (Canvas). */
  authorizationServer: v.optional(v.pipe(v.string(), v.maxLength(2048))),
  deploymentIds: v.pipe(v.array(DeploymentIdSchema), v.maxLength(1000)),
  newDeployments: NewDeploymentPolicySchema,
  productFamily: v.optional(v.pipe(v.string(), v.maxLength(64))),
};

/**
 * What a dynamic re-registration of an existing (issuer, client id) asked for. It never takes
 * effect by itself: an operator sees it next to the active fields in GET /admin/platforms and
 * applies it with POST /admin/platforms/activate {revisionId} (finding 1 of issue 13: whoever can
 * place a JSON file under the issuer's host could otherwise swap the platform's keys).
 */
export const RegistrationRevisionSchema = v.object({
  revisionId: RevisionIdSchema,
  ...platformFields,
  receivedAt: IsoTimestampSchema,
});
export type RegistrationRevision = v.InferOutput<typeof RegistrationRevisionSchema>;

export const RegistrationStatusSchema = v.picklist(["pending", "active", "inactive"]);

export const PlatformRegistrationSchema = v.object({
  issuer: IssuerSchema,
  clientId: ClientIdSchema,
  tenantId: TenantIdSchema,
  /** "inactive": deactivated by an operator; logins, launches and its API tokens are refused. */
  status: RegistrationStatusSchema,
  ...platformFields,
  source: v.picklist(["manual", "dynamic"]),
  createdAt: IsoTimestampSchema,
  updatedAt: IsoTimestampSchema,
  pendingRevision: v.optional(RegistrationRevisionSchema),
  /**
   * How this registration's user and course ids are scoped (auth/platform-ids.ts), fixed when
   * it is first activated (lti/id-namespace.ts). Absent on records written before namespacing.
   */
  idNamespace: v.optional(IdNamespaceSchema),
});
export type PlatformRegistration = v.InferOutput<typeof PlatformRegistrationSchema>;

// Components are URI-encoded so an issuer containing ":" can never collide with another pair.
const issuerPrefix = (issuer: string) => `registration:${encodeURIComponent(issuer)}:`;
const registrationKey = (issuer: string, clientId: string) => `${issuerPrefix(issuer)}${encodeURIComponent(clientId)}`;
const utf8Length = (s: string) => new TextEncoder().encode(s).byteLength;

/**
 * Whether (issuer, client id) can be stored at all (KV keys are at most 512 bytes). Also asked
 * of values that failed their own schema (valibot runs a pipe's checks on them too), so a lone
 * surrogate, which encodeURIComponent throws on, is answered "no" here.
 */
export function registrationKeyFits(issuer: string, clientId: string): boolean {
  if (!issuer.isWellFormed() || !clientId.isWellFormed()) return false;
  return utf8Length(registrationKey(issuer, clientId)) <= MAX_KV_KEY_BYTES;
}

/** Whether an issuer leaves room for a client id of up to `clientIdRoom` encoded bytes. */
export function issuerKeyFits(issuer: string, clientIdRoom = 64): boolean {
  if (!issuer.isWellFormed()) return false;
  return utf8Length(issuerPrefix(issuer)) + clientIdRoom <= MAX_KV_KEY_BYTES;
}

export async function getRegistration(
  env: Env,
  issuer: string,
  clientId: string,
): Promise<PlatformRegistration | null> {
  if (!registrationKeyFits(issuer, clientId)) return null;
  const raw = await env.PLATFORMS.get(registrationKey(issuer, clientId), "json");
  const parsed = v.safeParse(PlatformRegistrationSchema, raw);
  return parsed.success ? parsed.output : null;
}

/**
 * A login, its launch and every /api call (the token's revocation check) read the registration,
 * so each isolate keeps what it found for a few seconds (never a miss: a new registration works
 * at once). A change made here drops this isolate's copy; other isolates see it within this TTL,
 * less than KV's own propagation between locations (about a minute).
 */
export const REGISTRATION_CACHE_TTL_MS = 10_000;
const recentRegistrations = new IsolateCache<PlatformRegistration>({ ttlMs: REGISTRATION_CACHE_TTL_MS, maxKeys: 1000 });

/**
 * The registration as launches and API calls see it: `getRegistration` through the isolate's
 * copy. Read-modify-write paths (admin, adopting a deployment) use `getRegistration` itself.
 */
export async function currentRegistration(
  env: Env,
  issuer: string,
  clientId: string,
): Promise<PlatformRegistration | null> {
  return recentRegistrations.getOrLoad(registrationKey(issuer, clientId), () => getRegistration(env, issuer, clientId));
}

export interface RegistrationKeyMetadata {
  status?: string;
  revision?: boolean;
  tenantId?: string;
  idNamespace?: string;
}

export async function putRegistration(env: Env, registration: PlatformRegistration): Promise<PlatformRegistration> {
  const valid = v.parse(PlatformRegistrationSchema, { ...registration, updatedAt: nowIso() });
  // The status rides in the key's metadata so the pending bound counts it from a list alone;
  // the tenant and namespace so a tenant's registrations are found without reading each value.
  const metadata: RegistrationKeyMetadata = {
    status: valid.status,
    revision: valid.pendingRevision !== undefined,
    tenantId: valid.tenantId,
    ...(valid.idNamespace === undefined ? {} : { idNamespace: valid.idNamespace }),
  };
  const key = registrationKey(valid.issuer, valid.clientId);
  await env.PLATFORMS.put(key, JSON.stringify(valid), { metadata });
  recentRegistrations.delete(key);
  return valid;
}

/**
 * Whether the registration exists and is active: what the API-token check asks so that tokens
 * of a deactivated or deleted registration stop working.
 */
export async function isRegistrationActive(env: Env, issuer: string, clientId: string): Promise<boolean> {
  return (await currentRegistration(env, issuer, clientId))?.status === "active";
}

export async function deleteRegistration(env: Env, issuer: string, clientId: string): Promise<void> {
  const key = registrationKey(issuer, clientId);
  await env.PLATFORMS.delete(key);
  recentRegistrations.delete(key);
}

/** A fresh id for a pending revision. */
export const newRevisionId = () => randomBase64Url(18);

/** Every registration of one issuer (bounded: a single issuer rarely has more than a handful). */
export async function registrationsForIssuer(env: Env, issuer: string): Promise<PlatformRegistration[]> {
  if (!issuerKeyFits(issuer, 0)) return [];
  const page = await readValuePage(env.PLATFORMS, PlatformRegistrationSchema, {
    prefix: issuerPrefix(issuer),
    limit: 100,
  });
  return page.values;
}

/** One page of registrations for the operator's listing: one KV list call and at most `limit` reads. */
export async function listRegistrationsPage(
  env: Env,
  opts: { cursor?: string; limit: number },
): Promise<{ platforms: PlatformRegistration[]; cursor?: string }> {
  const { values: platforms, cursor } = await readValuePage(env.PLATFORMS, PlatformRegistrationSchema, {
    prefix: "registration:",
    ...opts,
  });
  return cursor === undefined ? { platforms } : { platforms, cursor };
}

/**
 * Every registration of one tenant, found by listing all registrations: for activation (an
 * operator's call) and the one-time namespace decision of a record written before namespacing,
 * never per launch. Key metadata names the tenant of records written since, so only older
 * records' values are read.
 */
export async function registrationsOfTenant(env: Env, tenantId: string): Promise<PlatformRegistration[]> {
  const found: PlatformRegistration[] = [];
  let cursor: string | undefined;
  do {
    const page = await env.PLATFORMS.list<RegistrationKeyMetadata>({
      prefix: "registration:",
      ...(cursor ? { cursor } : {}),
    });
    const candidates = page.keys.filter((k) => k.metadata?.tenantId === undefined || k.metadata.tenantId === tenantId);
    const values = await readValidValues(
      env.PLATFORMS,
      PlatformRegistrationSchema,
      candidates.map((k) => k.name),
    );
    found.push(...values.filter((r) => r.tenantId === tenantId));
    cursor = page.list_complete ? undefined : page.cursor;
  } while (cursor);
  return found;
}

/**
 * How many registrations wait for an operator, counted from key metadata (no value reads),
 * stopping at `atLeast`: enough to enforce the bound on unauthenticated dynamic registration.
 */
export async function countPendingRegistrations(env: Env, atLeast: number): Promise<number> {
  let count = 0;
  let cursor: string | undefined;
  do {
    const page = await env.PLATFORMS.list<RegistrationKeyMetadata>({
      prefix: "registration:",
      ...(cursor ? { cursor } : {}),
    });
    for (const k of page.keys) if (k.metadata?.status === "pending" || k.metadata?.revision) count++;
    cursor = page.list_complete ? undefined : page.cursor;
  } while (cursor && count < atLeast);
  return count;
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
  if (clientId) return currentRegistration(env, issuer, clientId);
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
  if (!URL.canParse(raw)) return false;
  const host = new URL(raw).host;
  const known = [
    registration.issuer,
    registration.tokenEndpoint,
    registration.authorizationEndpoint,
    registration.jwksUri,
  ];
  return known.some((u) => URL.canParse(u) && new URL(u).host === host);
}
