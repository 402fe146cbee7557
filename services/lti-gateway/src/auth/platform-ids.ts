import { IdSchema } from "@atomic-guide/shared";
import * as v from "valibot";

/**
 * User and course ids as every service stores them: namespaced by the platform registration
 * that asserted them. A platform's `sub` and context id are only unique within that platform
 * [Core §5.3.6, §5.4.1], so when one tenant has two registrations, user "5" of site A and user
 * "5" of site B must be two learners (their own chat, profile, export and erasure), and course
 * "42" of each two courses.
 *
 * The namespace is derived from (issuer, client_id), so it needs no storage and is the same in
 * every isolate; 96 bits of SHA-256 keep it short while no registration can pick its inputs
 * to land on another's namespace.
 */
const NAMESPACE_INFO = "atomic-guide platform ids v1";

async function sha256Hex(text: string): Promise<string> {
  const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", new TextEncoder().encode(text)));
  return Array.from(digest, (b) => b.toString(16).padStart(2, "0")).join("");
}

/** `p` and 24 hex digits, one per (issuer, client_id). */
export async function platformNamespace(issuer: string, clientId: string): Promise<string> {
  // Newline-separated: neither an issuer URL nor a printable client id can contain one.
  return `p${(await sha256Hex(`${NAMESPACE_INFO}\n${issuer}\n${clientId}`)).slice(0, 24)}`;
}

/**
 * `<namespace>:<raw>`, or `<namespace>:h-<sha256(raw)>` when the raw id is not printable ASCII
 * or too long to fit IdSchema with the prefix (stable either way).
 */
export async function platformScopedId(namespace: string, raw: string): Promise<string> {
  const direct = `${namespace}:${raw}`;
  if (v.is(IdSchema, direct)) return direct;
  return `${namespace}:h-${await sha256Hex(raw)}`;
}

/** The scoping function for one registration's launch and roster. */
export async function platformIds(issuer: string, clientId: string): Promise<(raw: string) => Promise<string>> {
  const namespace = await platformNamespace(issuer, clientId);
  return (raw) => platformScopedId(namespace, raw);
}
