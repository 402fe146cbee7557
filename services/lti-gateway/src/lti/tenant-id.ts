import { tenantSlug } from "../tenants/store";

/**
 * A tenant id for a registration that names none: a readable slug plus a short hash of the
 * (issuer, client id) pair. Never the slug alone: every Canvas cloud customer shares one issuer,
 * and two institutions must never be merged into one tenant by accident.
 */
export async function defaultTenantId(label: string, issuer: string, clientId: string): Promise<string> {
  const digest = new Uint8Array(
    await crypto.subtle.digest("SHA-256", new TextEncoder().encode(JSON.stringify([issuer, clientId]))),
  );
  const hash = Array.from(digest.slice(0, 4), (b) => b.toString(16).padStart(2, "0")).join("");
  return `${tenantSlug(label).slice(0, 40).replace(/-+$/, "")}-${hash}`;
}
