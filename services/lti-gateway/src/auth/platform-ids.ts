import { IdSchema } from "@atomic-guide/shared";
import * as v from "valibot";

/**
 * User and course ids as every service stores them: scoped by the namespace of the platform
 * registration that asserted them. A platform's `sub` and context id are only unique within
 * that platform [Core §5.3.6, §5.4.1], so when one tenant has two registrations, user "5" of
 * site A and user "5" of site B must be two learners, and course "42" of each two courses.
 *
 * A tenant's first registration keeps the namespace "" (its ids stay as the platform sends
 * them, so data recorded before namespacing needs no re-keying); every further one gets
 * `p<24 hex>`, derived from (issuer, client_id) so it needs no storage to recompute. Which
 * registration holds "" is decided in lti/id-namespace.ts.
 */
const NAMESPACE_INFO = "atomic-guide platform ids v1";

/** "" (the tenant's primary registration) or `p` and 24 hex digits. */
export const IdNamespaceSchema = v.union([v.literal(""), v.pipe(v.string(), v.regex(/^p[0-9a-f]{24}$/))]);

/** What a namespaced id starts with; the primary namespace never produces one (see rawScopedId). */
const NAMESPACED_ID = /^p[0-9a-f]{24}:/;

export const looksNamespaced = (id: string): boolean => NAMESPACED_ID.test(id);

async function sha256Hex(text: string): Promise<string> {
  const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", new TextEncoder().encode(text)));
  return Array.from(digest, (b) => b.toString(16).padStart(2, "0")).join("");
}

/** `p` and 24 hex digits, one per (issuer, client_id): 96 bits, so no registration can aim at another's. */
export async function platformNamespace(issuer: string, clientId: string): Promise<string> {
  // Newline-separated: neither an issuer URL nor a printable client id can contain one.
  return `p${(await sha256Hex(`${NAMESPACE_INFO}\n${issuer}\n${clientId}`)).slice(0, 24)}`;
}

/**
 * The primary registration's ids: as the platform sends them when printable ASCII, otherwise a
 * stable hash. An id shaped like another registration's namespaced id is hashed too: else the
 * primary platform (whose administrators choose its user ids) could assert `p<B's namespace>:5`
 * and become site B's user 5.
 */
async function rawScopedId(raw: string): Promise<string> {
  if (v.is(IdSchema, raw) && !looksNamespaced(raw)) return raw;
  return `h-${await sha256Hex(raw)}`;
}

/** `<namespace>:<raw>`, or `<namespace>:h-<sha256(raw)>` when that would not fit IdSchema. */
export async function scopedId(namespace: string, raw: string): Promise<string> {
  if (namespace === "") return rawScopedId(raw);
  const direct = `${namespace}:${raw}`;
  if (v.is(IdSchema, direct)) return direct;
  return `${namespace}:h-${await sha256Hex(raw)}`;
}

/**
 * The namespace an API token's ids were scoped with: its registration's derived namespace when
 * the token's course id carries it, else "" (a primary registration's token). Read from the
 * token alone, so resolving a raw id costs one hash and no storage read.
 */
export async function tokenNamespace(claims: { issuer: string; clientId: string; contextId: string }) {
  const derived = await platformNamespace(claims.issuer, claims.clientId);
  return claims.contextId.startsWith(`${derived}:`) ? derived : "";
}
