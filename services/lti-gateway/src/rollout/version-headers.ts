/**
 * Headers the gateway sets when it forwards /api and /ws to a service with fetch, so that
 * Cloudflare's gradual deployments route each tenant consistently (version affinity by tenant)
 * and named tenants to a candidate version (overrides from the rollout record in KV).
 * Owned by the deploy work (issue 8); today it sets only the affinity key.
 */
export async function versionHeaders(_env: Env, _service: string, tenantId: string): Promise<Record<string, string>> {
  return { "Cloudflare-Workers-Version-Key": tenantId };
}
