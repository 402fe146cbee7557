import { notFound } from "@atomic-guide/shared";
import { authenticate } from "../../auth/caller";
import { callerCourseId } from "../../auth/course-scope";
import { forwardToService } from "../../forward/forward";
import { apiRouteFor, courseContextOf, withCourseContext } from "../../forward/routes";
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
  const target = { service: route.service, auth: caller.auth, flags, requestId };
  const named = courseContextOf(url.pathname);
  if (named === null) return forwardToService(env, request, target);
  // An API token is scoped to the course it was launched from; another course is as missing.
  const courseId = await callerCourseId(caller.claims, named);
  if (courseId === null) throw notFound("No such course.");
  // The service sees the stored id whichever form the caller used.
  return forwardToService(env, request, { ...target, url: withCourseContext(url, courseId) });
}
