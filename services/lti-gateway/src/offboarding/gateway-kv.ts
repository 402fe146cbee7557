import { flagsKey } from "../flags/store";
import { deleteRegistration, listRegistrationsPage, type PlatformRegistration } from "../lti/registry";
import { unpinTenant } from "../rollout/pins";
import { ROLLOUT_SERVICES } from "../rollout/record";
import { readRollout } from "../rollout/store";
import { deleteTenant } from "../tenants/store";

/** Registrations are few (one or a handful per institution); this bounds a scan of all of them. */
const MAX_REGISTRATION_PAGES = 100;

/** Every registration, grouped by tenant: the listing's counts and offboarding's first step. */
export async function registrationsByTenant(env: Env): Promise<Map<string, PlatformRegistration[]>> {
  const byTenant = new Map<string, PlatformRegistration[]>();
  let cursor: string | undefined;
  for (let page = 0; page < MAX_REGISTRATION_PAGES; page++) {
    const result = await listRegistrationsPage(env, { limit: 1000, ...(cursor ? { cursor } : {}) });
    for (const r of result.platforms) byTenant.set(r.tenantId, [...(byTenant.get(r.tenantId) ?? []), r]);
    cursor = result.cursor;
    if (!cursor) break;
  }
  return byTenant;
}

/**
 * First step of offboarding: the tenant's registrations go, so no launch succeeds and every
 * API token of the tenant is refused (token_revoked) from the next request on.
 */
export async function deleteTenantRegistrations(env: Env, tenantId: string): Promise<number> {
  const registrations = (await registrationsByTenant(env)).get(tenantId) ?? [];
  for (const r of registrations) await deleteRegistration(env, r.issuer, r.clientId);
  return registrations.length;
}

async function deleteByPrefix(kv: KVNamespace, prefix: string): Promise<number> {
  let deleted = 0;
  let cursor: string | undefined;
  do {
    const page: KVNamespaceListResult<unknown, string> = await kv.list({ prefix, ...(cursor ? { cursor } : {}) });
    await Promise.all(page.keys.map((k) => kv.delete(k.name)));
    deleted += page.keys.length;
    cursor = page.list_complete ? undefined : page.cursor;
  } while (cursor);
  return deleted;
}

/**
 * Last step, once every service confirmed: flags, version pins, learner revocation markers and
 * the tenant record itself. Kept until then because a retry needs the record's d1Binding.
 */
export async function deleteTenantKv(env: Env, tenantId: string): Promise<number> {
  let keys = 0;
  if ((await env.FLAGS.get(flagsKey(tenantId))) !== null) {
    await env.FLAGS.delete(flagsKey(tenantId));
    keys++;
  }
  const pinnedIn = await Promise.all(
    ROLLOUT_SERVICES.map(async (s) => (await readRollout(env, s))?.tenants.includes(tenantId)),
  );
  if (pinnedIn.some(Boolean)) {
    await unpinTenant(env, tenantId);
    keys += pinnedIn.filter(Boolean).length;
  }
  keys += await deleteByPrefix(env.PLATFORMS, `revoked-learner:${tenantId}:`);
  keys += await deleteByPrefix(env.SNAPSHOTS, `${tenantId}:`);
  if (await deleteTenant(env, tenantId)) keys++;
  return keys;
}
