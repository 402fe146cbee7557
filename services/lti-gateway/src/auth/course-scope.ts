import type { ApiTokenClaims } from "./api-token";
import { scopedId, tokenNamespace } from "./platform-ids";

/**
 * The course an API call names in its URL, as stored: the token's own (namespaced) course id,
 * or null when the caller may not see it. A caller whose registration is namespaced may name its
 * course by the platform's raw id too (what the LMS shows), which is scoped with the token's own
 * namespace before comparing; so the comparison is always against the token's course and site
 * A's instructor can never reach site B's course "42".
 */
export async function callerCourseId(claims: ApiTokenClaims, named: string): Promise<string | null> {
  if (named === claims.contextId) return claims.contextId;
  // A primary platform's raw id can differ from its stored one too (hashed when not printable).
  const namespace = await tokenNamespace(claims);
  return (await scopedId(namespace, named)) === claims.contextId ? claims.contextId : null;
}
