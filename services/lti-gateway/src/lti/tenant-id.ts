import { tenantSlug } from "../tenants/store";

const RANDOM_BYTES = 16;
const SLUG_MAX = 30;

/**
 * A tenant id for a registration that names none: a readable slug plus 128 random bits. Never
 * derived from caller-chosen input (issuer, client id, account name): whoever chooses those must
 * not be able to predict or collide with another institution's id (finding 3 of issue 13).
 * Slug (≤ 30) + "-" + 32 hex characters fits the 63-character tenant id.
 */
export function defaultTenantId(label: string): string {
  const random = Array.from(crypto.getRandomValues(new Uint8Array(RANDOM_BYTES)), (b) =>
    b.toString(16).padStart(2, "0"),
  ).join("");
  return `${tenantSlug(label).slice(0, SLUG_MAX).replace(/-+$/, "")}-${random}`;
}
