import { nowIso } from "@atomic-guide/shared";
import { generateSigningKey, ROLE, SimulatedPlatform } from "@atomic-guide/testing/lti-platform";
import * as v from "valibot";
import { cspNonce, escapeHtml, htmlPage } from "../lti/html";
import { withIdNamespace } from "../lti/id-namespace";
import { getRegistration, type PlatformRegistration, putRegistration } from "../lti/registry";
import { ensureTenant } from "../tenants/store";

/**
 * The built-in LMS of local development: the project's LMS simulator (testing/lti-platform.ts)
 * mounted under /dev/lms on the gateway's own origin, so the sample course launches the guide
 * through the real LTI flow (/lti/init → this authorization endpoint → signed id_token posted to
 * /lti/launch) with no second process. Only reachable when the gateway runs with development or
 * test settings (dev/index.ts); its signing key lives in the PLATFORMS KV of that local system.
 */
export const DEV_LMS_PATH = "/dev/lms";
export const DEV_TENANT = "sample-school";
/** Two sections of the sample course, so a per-course setting can be seen to stay in its course. */
export const SAMPLE_COURSES = [
  { id: "sample-course", title: "Sample course: Linear equations", label: "ALG1" },
  { id: "sample-course-b", title: "Sample course: Linear equations (section B)", label: "ALG1-B" },
] as const;
export type SampleCourseId = (typeof SAMPLE_COURSES)[number]["id"];
const KEY_KV = "dev:lms-signing-key";
const CLIENT_ID = "atomic-guide-sample";

export const DEV_ROLES = ["learner", "instructor"] as const;
export type DevRole = (typeof DEV_ROLES)[number];
/** Learners of the built-in LMS, by number (`learner=1|2`); the first is the default. */
export const DEV_LEARNERS = ["1", "2"] as const;
export type DevLearner = (typeof DEV_LEARNERS)[number];

interface DevUser {
  sub: string;
  name: string;
  given_name: string;
  family_name: string;
  email: string;
  roles: string[];
}
const LEARNERS: Record<DevLearner, DevUser> = {
  "1": {
    sub: "sample-learner-1",
    name: "Ada Lovelace",
    given_name: "Ada",
    family_name: "Lovelace",
    email: "ada@example.edu",
    roles: [ROLE.learner],
  },
  "2": {
    sub: "sample-learner-2",
    name: "Alan Turing",
    given_name: "Alan",
    family_name: "Turing",
    email: "alan@example.edu",
    roles: [ROLE.learner],
  },
};
const INSTRUCTOR: DevUser = {
  sub: "sample-instructor-1",
  name: "Grace Hopper",
  given_name: "Grace",
  family_name: "Hopper",
  email: "grace@example.edu",
  roles: [ROLE.instructor],
};

/** Who launches into which section: the page's query, carried through the LMS as the message hint. */
export const DevLaunchSchema = v.object({
  role: v.picklist(DEV_ROLES, "role must be learner or instructor"),
  course: v.optional(
    v.picklist(
      SAMPLE_COURSES.map((c) => c.id),
      "course must be a sample course",
    ),
    "sample-course",
  ),
  learner: v.optional(v.picklist(DEV_LEARNERS, "learner must be 1 or 2"), "1"),
});
export type DevLaunch = v.InferOutput<typeof DevLaunchSchema>;

export const devUserOf = (launch: DevLaunch): DevUser =>
  launch.role === "instructor" ? INSTRUCTOR : LEARNERS[launch.learner];

/** The launch as query parameters, defaults left out (so the plain links stay as they were). */
export function devLaunchQuery(launch: DevLaunch): string {
  const q = new URLSearchParams({ role: launch.role });
  if (launch.course !== "sample-course") q.set("course", launch.course);
  if (launch.role === "learner" && launch.learner !== "1") q.set("learner", launch.learner);
  return q.toString();
}

const StoredKeySchema = v.object({
  kid: v.string(),
  privateJwk: v.looseObject({ kty: v.string() }),
  publicJwk: v.looseObject({ kty: v.string(), kid: v.string(), alg: v.string(), use: v.string() }),
});

/** The simulator with the key this local system keeps, so tokens verify across requests. */
async function platformFor(origin: string, env: Env): Promise<SimulatedPlatform> {
  const platform = await SimulatedPlatform.create({
    shape: "moodle",
    origin: `${origin}${DEV_LMS_PATH}`,
    clientId: CLIENT_ID,
    deploymentId: "1",
    jwksCacheControl: "max-age=60",
  });
  const stored = v.safeParse(StoredKeySchema, await env.PLATFORMS.get(KEY_KV, "json"));
  if (stored.success) {
    const privateKey = await crypto.subtle.importKey(
      "jwk",
      stored.output.privateJwk,
      { name: "RSASSA-PKCS1-v1_5", hash: "SHA-256" },
      false,
      ["sign"],
    );
    platform.keys.splice(0, platform.keys.length, {
      kid: stored.output.kid,
      privateKey,
      publicJwk: stored.output.publicJwk,
    });
    return platform;
  }
  const key = await generateSigningKey();
  const privateJwk = await crypto.subtle.exportKey("jwk", key.privateKey);
  await env.PLATFORMS.put(KEY_KV, JSON.stringify({ kid: key.kid, privateJwk, publicJwk: key.publicJwk }));
  platform.keys.splice(0, platform.keys.length, key);
  return platform;
}

/** Registers the built-in LMS as an active platform of the sample tenant (once per origin). */
async function ensureRegistered(env: Env, platform: SimulatedPlatform): Promise<void> {
  await ensureTenant(env, { tenantId: DEV_TENANT, name: "Sample School (local development)" });
  if ((await getRegistration(env, platform.issuer, platform.clientId))?.status === "active") return;
  const now = nowIso();
  const registration: PlatformRegistration = {
    ...platform.registrationBody(),
    name: "Built-in LMS (local development)",
    tenantId: DEV_TENANT,
    status: "active",
    newDeployments: "reject",
    source: "manual",
    createdAt: now,
    updatedAt: now,
  };
  await putRegistration(env, await withIdNamespace(env, registration));
}

/** Starts a launch the way an LMS does: the browser goes to the tool's login URL. */
export async function startLaunch(request: Request, env: Env, launch: DevLaunch): Promise<Response> {
  const origin = new URL(request.url).origin;
  const platform = await platformFor(origin, env);
  await ensureRegistered(env, platform);
  const params = new URLSearchParams(
    platform.loginParams(`${origin}/lti/launch`, { lti_message_hint: JSON.stringify(launch) }),
  );
  return Response.redirect(`${origin}/lti/init?${params}`, 302);
}

/** The LMS side of /dev/lms/*: its authorization endpoint and its JWKS; null for anything else. */
export async function handleLms(request: Request, env: Env): Promise<Response | null> {
  const url = new URL(request.url);
  const platform = await platformFor(url.origin, env);
  // The simulator's own handler answers only at an origin root; this LMS lives under a path.
  if (url.pathname === new URL(platform.jwksUri).pathname)
    return Response.json(platform.jwks(), { headers: { "Cache-Control": platform.jwksCacheControl } });
  if (url.pathname !== new URL(platform.authorizationEndpoint).pathname) return null;
  const auth = platform.parseAuthRequest(url.toString());
  let hint: unknown = null;
  try {
    hint = JSON.parse(auth.messageHint ?? "null");
  } catch {}
  const launch = v.safeParse(DevLaunchSchema, hint);
  if (auth.clientId !== platform.clientId || auth.redirectUri !== `${url.origin}/lti/launch` || !launch.success)
    return new Response("This is not a launch the built-in LMS started.", { status: 400 });
  const claims = platform.idTokenClaims({
    nonce: auth.nonce,
    targetLinkUri: `${url.origin}/lti/launch`,
    user: devUserOf(launch.output),
    context: SAMPLE_COURSES.find((c) => c.id === launch.output.course) ?? SAMPLE_COURSES[0],
  });
  const idToken = await platform.sign(claims);
  const nonce = cspNonce();
  return htmlPage({
    title: "Built-in LMS",
    nonce,
    formAction: [url.origin],
    body: `<form id="post" method="post" action="${escapeHtml(auth.redirectUri)}">
<input type="hidden" name="id_token" value="${escapeHtml(idToken)}">
<input type="hidden" name="state" value="${escapeHtml(auth.state)}">
<noscript><button>Continue</button></noscript></form>
<script nonce="${nonce}">document.getElementById("post").submit();</script>`,
  });
}
