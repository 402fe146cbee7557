import { ApiError, parseQuery } from "@atomic-guide/shared";
import * as v from "valibot";
import { looksNamespaced, scopedId } from "../../auth/platform-ids";
import { idNamespaceOf } from "../../lti/id-namespace";
import { ClientIdSchema, getRegistration, IssuerSchema } from "../../lti/registry";

/**
 * `?issuer=&clientId=` on the FAQ routes: which of the tenant's platforms a raw course id
 * belongs to. Both or neither; other query parameters are the route's own.
 */
const PlatformQuerySchema = v.pipe(
  v.object({ issuer: v.optional(IssuerSchema), clientId: v.optional(ClientIdSchema) }),
  v.check((q) => (q.issuer === undefined) === (q.clientId === undefined), "issuer and clientId go together"),
);

/**
 * Maps the course id an operator names to the stored one. A namespaced id (`p<24 hex>:…`, as
 * GET lists it and a launch shows it) is taken as it is; a raw platform id is scoped with the
 * named platform's namespace, or, with none named, is the tenant's primary platform's id.
 */
export async function faqCourseResolver(
  env: Env,
  tenantId: string,
  url: URL,
): Promise<(courseId: string | undefined) => Promise<string | undefined>> {
  const query = parseQuery(url, PlatformQuerySchema);
  let namespace = "";
  if (query.issuer !== undefined && query.clientId !== undefined) {
    const registration = await getRegistration(env, query.issuer, query.clientId);
    // Another tenant's platform is as unknown as a missing one.
    if (!registration || registration.tenantId !== tenantId) {
      throw new ApiError(404, "registration_not_found", "This tenant has no platform with that issuer and clientId.");
    }
    namespace = await idNamespaceOf(env, registration);
  }
  return async (courseId) => {
    if (courseId === undefined) return undefined;
    if (namespace === "" && looksNamespaced(courseId)) return courseId;
    if (namespace !== "" && courseId.startsWith(`${namespace}:`)) return courseId;
    return scopedId(namespace, courseId);
  };
}
