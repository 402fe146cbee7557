import { badRequest, notFound } from "@atomic-guide/shared";
import * as v from "valibot";
import { isLocalDevelopment } from "../env";
import type { GatewayRouter } from "../routes/router";
import { coursePageHtml, findPage, homeHtml } from "./course-page";
import { COURSE_SCRIPT } from "./course-script";
import { DEV_LMS_PATH, DevLaunchSchema, handleLms, startLaunch } from "./lms";

/** Everything here exists only with development or test settings; elsewhere it is a plain 404. */
function devOnly<A extends unknown[]>(
  handler: (request: Request, env: Env, ...rest: A) => Response | Promise<Response>,
): (request: Request, env: Env, ...rest: A) => Promise<Response> {
  return async (request, env, ...rest) => {
    if (!isLocalDevelopment(env)) throw notFound("No such route.");
    return handler(request, env, ...rest);
  };
}

/** `?role=learner|instructor&course=<sample course id>&learner=1|2`: who launches into which section. */
function launchOf(request: Request) {
  const q = new URL(request.url).searchParams;
  const parsed = v.safeParse(DevLaunchSchema, {
    role: q.get("role") ?? "learner",
    course: q.get("course") ?? undefined,
    learner: q.get("learner") ?? undefined,
  });
  if (!parsed.success) {
    const field = parsed.issues[0]?.path?.[0]?.key;
    if (field === "role") throw badRequest("invalid_role", "role must be learner or instructor.");
    throw badRequest("invalid_request", `${parsed.issues[0]?.message ?? "invalid launch"}.`);
  }
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
    return html(coursePageHtml(page, launchOf(request)));
  }),
  script: devOnly(() => new Response(COURSE_SCRIPT, { headers: { "Content-Type": "text/javascript; charset=utf-8" } })),
  launch: devOnly((request, env) => startLaunch(request, env, launchOf(request))),
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
