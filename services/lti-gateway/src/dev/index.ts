import { badRequest, notFound } from "@atomic-guide/shared";
import * as v from "valibot";
import { isLocalDevelopment } from "../env";
import type { GatewayRouter } from "../routes/router";
import { coursePageHtml, findPage, homeHtml } from "./course-page";
import { COURSE_SCRIPT } from "./course-script";
import { DEV_LMS_PATH, DEV_ROLES, handleLms, startLaunch } from "./lms";

const RoleSchema = v.picklist(DEV_ROLES, "role must be learner or instructor");

/** Everything here exists only with development or test settings; elsewhere it is a plain 404. */
function devOnly<A extends unknown[]>(
  handler: (request: Request, env: Env, ...rest: A) => Response | Promise<Response>,
): (request: Request, env: Env, ...rest: A) => Promise<Response> {
  return async (request, env, ...rest) => {
    if (!isLocalDevelopment(env)) throw notFound("No such route.");
    return handler(request, env, ...rest);
  };
}

function roleOf(request: Request) {
  const parsed = v.safeParse(RoleSchema, new URL(request.url).searchParams.get("role") ?? "learner");
  if (!parsed.success) throw badRequest("invalid_role", "role must be learner or instructor.");
  return parsed.output;
}

const html = (body: string) =>
  new Response(body, { headers: { "Content-Type": "text/html; charset=utf-8", "Cache-Control": "no-store" } });

export const dev = {
  home: devOnly((request) => html(homeHtml(new URL(request.url).origin))),
  course: devOnly((request) => {
    const slug = new URL(request.url).pathname.split("/").pop() ?? "";
    const page = findPage(slug);
    if (!page) throw notFound("No such sample course page.");
    return html(coursePageHtml(page, roleOf(request)));
  }),
  script: devOnly(() => new Response(COURSE_SCRIPT, { headers: { "Content-Type": "text/javascript; charset=utf-8" } })),
  launch: devOnly((request, env) => startLaunch(request, env, roleOf(request))),
  lms: devOnly(async (request, env) => {
    const answer = await handleLms(request, env);
    if (!answer) throw notFound("No such route.");
    return answer;
  }),
};

/** `/` and `/dev/*`: the sample course and the built-in LMS of local development. */
export function registerDevRoutes(router: GatewayRouter): void {
  router.get("/", dev.home);
  router.get("/dev/course.js", dev.script);
  router.get("/dev/course/:page", dev.course);
  router.get(`${DEV_LMS_PATH}/launch`, dev.launch);
  router.get(`${DEV_LMS_PATH}/*`, dev.lms);
}
