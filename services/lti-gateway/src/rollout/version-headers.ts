import { BACKEND_SERVICES } from "@atomic-guide/shared";
import { type VersionPins, versionHeadersFor } from "@atomic-guide/shared/rpc/version-pins";
import * as v from "valibot";
import { RolloutServiceSchema } from "./record";
import { readRollout } from "./store";

/**
 * The candidate versions `tenantId` is pinned to, from the rollout records in KV FLAGS (each
 * cached briefly per isolate), or undefined when it is pinned nowhere. The gateway puts them in
 * every AuthContext it sends, so pins hold on forwards, on its RPC calls and on the calls the
 * services make to each other (rpc/version-pins.ts in shared).
 */
export async function tenantPins(env: Env, tenantId: string): Promise<VersionPins | undefined> {
  const records = await Promise.all(BACKEND_SERVICES.map((service) => readRollout(env, service)));
  const pins: VersionPins = {};
  BACKEND_SERVICES.forEach((service, i) => {
    const record = records[i];
    if (record?.tenants.includes(tenantId)) pins[service] = record.candidateVersionId;
  });
  return Object.keys(pins).length > 0 ? pins : undefined;
}

/**
 * Headers the gateway sets when it forwards /api and /ws to a service with fetch, so that
 * Cloudflare's gradual deployments route each tenant consistently (version affinity keyed by
 * tenant) and pinned pilot tenants to the candidate version.
 */
export async function versionHeaders(env: Env, service: string, tenantId: string): Promise<Record<string, string>> {
  const known = v.safeParse(RolloutServiceSchema, service);
  if (!known.success) return { "Cloudflare-Workers-Version-Key": tenantId };
  const record = await readRollout(env, known.output);
  const pins = record?.tenants.includes(tenantId) ? { [known.output]: record.candidateVersionId } : undefined;
  return versionHeadersFor(env.ENVIRONMENT, known.output, { tenantId, pins });
}
