import { ApiError } from "@atomic-guide/shared";
import { ROLLOUT_SERVICES, type RolloutService } from "./record";
import { readRollout, writeRollout } from "./store";

/** Where one tenant's calls to each service go: a pinned candidate, or the deployment's split. */
export type TenantRouting = Record<
  RolloutService,
  { version: string; pinned: true } | { version: "deployment"; pinned: false }
>;

/**
 * Pins a tenant to the candidate of every service that has one (one call for all services),
 * keeping each service's other pilot tenants. 409 when no service has a candidate to pin to.
 */
export async function pinTenant(env: Env, tenantId: string): Promise<TenantRouting> {
  let pinned = 0;
  for (const service of ROLLOUT_SERVICES) {
    const record = await readRollout(env, service);
    if (!record) continue;
    pinned++;
    if (record.tenants.includes(tenantId)) continue;
    const { updatedAt: _, ...input } = record;
    await writeRollout(env, service, { ...input, tenants: [...record.tenants, tenantId] });
  }
  if (pinned === 0) {
    throw new ApiError(409, "no_candidate", "No service has a candidate version; PUT /admin/rollout/:service first.");
  }
  return tenantRouting(env, tenantId);
}

/** Unpins a tenant from every service; its calls follow the deployments' percentages again. */
export async function unpinTenant(env: Env, tenantId: string): Promise<TenantRouting> {
  for (const service of ROLLOUT_SERVICES) {
    const record = await readRollout(env, service);
    if (!record?.tenants.includes(tenantId)) continue;
    const { updatedAt: _, ...input } = record;
    await writeRollout(env, service, { ...input, tenants: record.tenants.filter((t) => t !== tenantId) });
  }
  return tenantRouting(env, tenantId);
}

export async function tenantRouting(env: Env, tenantId: string): Promise<TenantRouting> {
  const entries = await Promise.all(
    ROLLOUT_SERVICES.map(async (service) => {
      const record = await readRollout(env, service);
      return [
        service,
        record?.tenants.includes(tenantId)
          ? { version: record.candidateVersionId, pinned: true as const }
          : { version: "deployment" as const, pinned: false as const },
      ] as const;
    }),
  );
  return Object.fromEntries(entries) as TenantRouting;
}

/** Every tenant the gateway knows (tenant records in KV PLATFORMS), for GET /admin/rollout. */
export async function knownTenantIds(env: Env, limit = 1_000): Promise<string[]> {
  const ids: string[] = [];
  let cursor: string | undefined;
  do {
    const page: KVNamespaceListResult<unknown, string> = await env.PLATFORMS.list({
      prefix: "tenant:",
      ...(cursor ? { cursor } : {}),
    });
    for (const key of page.keys) ids.push(key.name.slice("tenant:".length));
    cursor = page.list_complete || ids.length >= limit ? undefined : page.cursor;
  } while (cursor);
  return ids.slice(0, limit);
}
