import * as v from "valibot";
import { RolloutServiceSchema, workerNameOf } from "./record";
import { readRollout } from "./store";

/**
 * Headers the gateway sets when it forwards /api and /ws to a service with fetch, so that
 * Cloudflare's gradual deployments route each tenant consistently (version affinity keyed by
 * tenant) and pinned pilot tenants to the candidate version (an override from the rollout record
 * in KV FLAGS). These headers only act on fetch over a service binding; RPC calls and the calls
 * services make to each other keep plain percentage routing (docs/operations.md).
 */
export async function versionHeaders(env: Env, service: string, tenantId: string): Promise<Record<string, string>> {
  const headers: Record<string, string> = { "Cloudflare-Workers-Version-Key": tenantId };
  const known = v.safeParse(RolloutServiceSchema, service);
  if (!known.success) return headers;
  const record = await readRollout(env, known.output);
  if (record?.tenants.includes(tenantId)) {
    // A structured-header dictionary entry: worker name = quoted version id (a validated UUID).
    const worker = workerNameOf(env.ENVIRONMENT, known.output);
    headers["Cloudflare-Workers-Version-Overrides"] = `${worker}="${record.candidateVersionId}"`;
  }
  return headers;
}
