import { notFound } from "@atomic-guide/shared";
import { authenticate } from "../../auth/caller";
import { forwardToService } from "../../forward/forward";
import { apiRouteFor, courseContextOf } from "../../forward/routes";
import { checkAccess } from "./access";

/**
 * Every /api route a service answers. The token is checked before anything else, so an
 * unauthenticated caller learns nothing, not even which routes exist.
 */
export async function forwardApiRequest(request: Request, env: Env, requestId: string): Promise<Response> {
  const caller = await authenticate(request, env);
  const url = new URL(request.url);
  const route = apiRouteFor(url.pathname);
  if (!route) throw notFound("No such API route.");
  const flags = await checkAccess(env, caller, route);
  const courseId = courseContextOf(url.pathname);
  // An API token is scoped to the course it was launched from; another course is as missing.
  if (courseId !== null && courseId !== caller.claims.contextId) throw notFound("No such course.");
  return forwardToService(env, request, { service: route.service, auth: caller.auth, flags, requestId });
}
