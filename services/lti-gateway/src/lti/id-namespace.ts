import { createLogger, errorFields } from "@atomic-guide/shared";
import { platformNamespace } from "../auth/platform-ids";
import { getTenant, putRawIdsRegistration } from "../tenants/store";
import { getRegistration, type PlatformRegistration, putRegistration, registrationsOfTenant } from "./registry";

/**
 * Which namespace a registration's user and course ids get (auth/platform-ids.ts).
 *
 * The tenant's primary registration keeps raw ids ("") so that everything recorded for a
 * single-platform tenant, and every client naming its courses, stays valid with no migration.
 * The tenant record names the primary once and for good (`rawIdsRegistration`); every other
 * registration of the tenant gets its derived `p<24 hex>`.
 *
 * Records written before namespacing (no `idNamespace`) may already hold raw-id data. When the
 * tenant has not named a primary yet, the oldest such record that ever launched (active or
 * inactive, not pending) becomes it, so two legacy platforms resolve the same way in every
 * isolate; data those two had already merged stays with the primary (docs/security.md).
 */

const log = createLogger({ service: "lti-gateway", module: "id-namespace" });

type Ref = { issuer: string; clientId: string };
const same = (a: Ref, b: Ref) => a.issuer === b.issuer && a.clientId === b.clientId;
const refKey = (r: Ref) => `${r.issuer}\n${r.clientId}`;

/** Oldest first by creation time, then by (issuer, client id) so ties resolve the same everywhere. */
const older = (a: PlatformRegistration, b: PlatformRegistration) =>
  a.createdAt < b.createdAt || (a.createdAt === b.createdAt && refKey(a) < refKey(b));

/** A record that may hold raw-id data: primary by assignment, or written before namespacing and used. */
const mayHoldRawIds = (r: PlatformRegistration) =>
  r.idNamespace === "" || (r.idNamespace === undefined && r.status !== "pending");

/**
 * Decides the namespace of `registration`, naming the tenant's primary when none is named yet.
 * `legacy`: the record itself predates namespacing, so only older legacy records outrank it.
 */
async function decide(env: Env, registration: PlatformRegistration, legacy: boolean): Promise<string> {
  const derived = await platformNamespace(registration.issuer, registration.clientId);
  const tenant = await getTenant(env, registration.tenantId);
  if (tenant?.rawIdsRegistration) return same(tenant.rawIdsRegistration, registration) ? "" : derived;
  const rivals = (await registrationsOfTenant(env, registration.tenantId)).filter(
    (r) => !same(r, registration) && mayHoldRawIds(r) && (!legacy || r.idNamespace === "" || older(r, registration)),
  );
  const primary = rivals.reduce<PlatformRegistration>((best, r) => (older(r, best) ? r : best), registration);
  if (tenant) await putRawIdsRegistration(env, tenant, primary);
  return same(primary, registration) ? "" : derived;
}

/**
 * The registration as it should be stored: an active one without a namespace gets its namespace
 * now (first activation), and keeps it through deactivation, revisions and re-posting.
 */
export async function withIdNamespace(env: Env, registration: PlatformRegistration): Promise<PlatformRegistration> {
  if (registration.status !== "active" || registration.idNamespace !== undefined) return registration;
  return { ...registration, idNamespace: await decide(env, registration, false) };
}

/** Legacy records resolved in this isolate, until the record written back is read. */
const resolvedLegacy = new Map<string, string>();
const MAX_RESOLVED = 1000;

/**
 * The namespace of a launching registration. Free for any record with `idNamespace` (the launch
 * has read it already); a legacy record is decided once, written back and cached, so the
 * listing it needs happens once per legacy registration rather than per launch.
 */
export async function idNamespaceOf(env: Env, registration: PlatformRegistration): Promise<string> {
  if (registration.idNamespace !== undefined) return registration.idNamespace;
  const key = `${registration.tenantId}\n${refKey(registration)}`;
  const cached = resolvedLegacy.get(key);
  if (cached !== undefined) return cached;
  const namespace = await decide(env, registration, true);
  if (resolvedLegacy.size >= MAX_RESOLVED) resolvedLegacy.clear();
  resolvedLegacy.set(key, namespace);
  try {
    const fresh = await getRegistration(env, registration.issuer, registration.clientId);
    if (fresh && fresh.idNamespace === undefined) await putRegistration(env, { ...fresh, idNamespace: namespace });
  } catch (e) {
    // The decision is deterministic; another launch writes it back if this one could not.
    log.warn("legacy namespace write-back failed", errorFields(e));
  }
  return namespace;
}
