import * as v from "valibot";
import { scopedId } from "../auth/platform-ids";
import { stateObject } from "../do/oidc-state";
import { isLocalDevelopment } from "../env";
import { framedBy, malformed, rejected } from "./errors";
import { cspNonce, escapeHtml, htmlPage, scriptJson } from "./html";
import { idNamespaceOf } from "./id-namespace";
import { type VerifiedLaunch, verifyIdToken } from "./id-token";
import { issueLaunch } from "./issue";
import { type LaunchContext, LaunchContextSchema, stableId } from "./launch-context";
import { requestParams } from "./params";
import { platformErrorMessage } from "./platform-error";
import { platformOrigin } from "./platform-url";
import { adoptDeployment, currentRegistration, type PlatformRegistration } from "./registry";
import {
  clearStateCookie,
  type LoginState,
  randomToken,
  readCookie,
  stateCookieName,
  TokenValueSchema,
  takeLoginState,
} from "./state";
import { toolUrlsFor } from "./tool-urls";

/** How long the platform-storage proof page has to answer. */
const VERIFY_TTL_MS = 2 * 60 * 1000;
const verifyKey = (id: string) => `verify:${id}`;

const VerifyRecordSchema = v.object({ state: TokenValueSchema, launch: LaunchContextSchema });

const timingSafeEqual = (a: string, b: string) => {
  const ea = new TextEncoder().encode(a);
  const eb = new TextEncoder().encode(b);
  return ea.byteLength === eb.byteLength && crypto.subtle.timingSafeEqual(ea, eb);
};

/** The redirect_uri [Sec §5.1.1.3]: validate everything, then bind the launch to this browser. */
export async function handleLaunch(request: Request, env: Env, ctx: ExecutionContext): Promise<Response> {
  const form = await requestParams(request, { query: false });
  if (form.error !== undefined) {
    // The platform refused the login (e.g. Moodle with no session); the state is spent either way.
    // Anyone can post this form: the text is fixed per known code, error_description never shown.
    const spent = form.state ? await takeLoginState(env, form.state) : null;
    const error = malformed("platform_error", platformErrorMessage(form.error));
    if (spent) error.frameOrigins = loginOrigins(spent, env);
    throw error;
  }
  if (!form.id_token) throw malformed("missing_id_token", "The launch has no id_token.");
  if (!form.state) throw malformed("missing_state", "The launch has no state.");
  const state = form.state;
  const login = await takeLoginState(env, state);
  if (!login)
    throw rejected(
      "invalid_state",
      "This launch's state is unknown, expired or was already used. Launch the tool again.",
    );

  const idToken = form.id_token;
  return framedBy(loginOrigins(login, env), () => launchWithState(request, env, ctx, { state, idToken, login }));
}

/** The platform's origins a login names (issuer, authorization endpoint): who may frame its pages. */
function loginOrigins(login: LoginState, env: Env): string[] {
  const loopback = isLocalDevelopment(env);
  const origins = [platformOrigin(login.issuer, loopback), login.authorizationOrigin];
  return [...new Set(origins.filter((o): o is string => o !== undefined))];
}

async function launchWithState(
  request: Request,
  env: Env,
  ctx: ExecutionContext,
  { state, idToken, login }: { state: string; idToken: string; login: LoginState },
): Promise<Response> {
  const cookie = readCookie(request, stateCookieName(state));
  const cookieBound = cookie !== undefined && timingSafeEqual(cookie, login.binding);
  if (!cookieBound && !login.storageTarget) {
    throw rejected("state_not_bound", "This launch did not start in this browser. Launch the tool again.");
  }

  const registration = await currentRegistration(env, login.issuer, login.clientId);
  if (!registration) throw rejected("unknown_registration", "This platform (issuer and client id) is not registered.");
  if (registration.status !== "active") {
    throw rejected("registration_inactive", "This platform's registration is waiting for an operator to activate it.");
  }
  const verified = await verifyIdToken(env, idToken, {
    registration,
    nonce: login.nonce,
    targetLinkUri: login.targetLinkUri,
    ...(login.loginDeploymentId ? { loginDeploymentId: login.loginDeploymentId } : {}),
  });
  if (!registration.deploymentIds.includes(verified.deploymentId)) {
    if (registration.newDeployments !== "adopt") {
      throw rejected("unknown_deployment", "This deployment of the tool is not registered.");
    }
    // The launch passed every check; recording the deployment is best effort (KV allows one
    // write per second per key, and concurrent first launches all try to adopt).
    await adoptDeployment(env, registration, verified.deploymentId).catch((e: unknown) => {
      console.warn(JSON.stringify({ event: "deployment_adoption_deferred", error: String(e).slice(0, 200) }));
    });
  }

  // User and course ids are only unique within one platform: scope them by the registration's
  // namespace ("" for the tenant's primary platform, whose ids stay as sent).
  const namespace = await idNamespaceOf(env, registration);
  const parsedLaunch = v.safeParse(LaunchContextSchema, {
    launchId: crypto.randomUUID(),
    tenantId: registration.tenantId,
    issuer: registration.issuer,
    clientId: registration.clientId,
    deploymentId: await stableId(verified.deploymentId),
    platformDeploymentId: verified.deploymentId,
    messageType: verified.messageType,
    userId: await scopedId(namespace, verified.sub),
    ...(verified.name ? { name: verified.name.slice(0, 255) } : {}),
    roles: verified.roles,
    contextId: await scopedId(
      namespace,
      verified.context?.id ?? `link:${verified.resourceLink?.id ?? `deployment:${verified.deploymentId}`}`,
    ),
    ...(verified.context?.title || verified.context?.label
      ? { contextTitle: (verified.context.title ?? verified.context.label ?? "").slice(0, 255) }
      : {}),
    ...(verified.resourceLink ? { resourceLinkId: verified.resourceLink.id } : {}),
    ...(verified.nrps ? { nrpsUrl: verified.nrps.context_memberships_url } : {}),
    ...(verified.deepLinking ? { deepLinking: verified.deepLinking } : {}),
    frameOrigins: frameOriginsOf(registration, verified, env),
  });
  if (!parsedLaunch.success) throw malformed("invalid_claims", "The id_token's claims cannot be used by this tool.");
  const launch: LaunchContext = parsedLaunch.output;

  if (cookieBound) return issueLaunch(request, env, ctx, launch, { "Set-Cookie": clearStateCookie(state) });
  return storageProofPage(request, env, state, login, launch);
}

/**
 * Platform storage [PS §3.5]: no token yet. The page reads `state-<state>` back from the
 * platform's storage frame (origin-checked) and only then posts the state to /lti/launch/verify,
 * which issues the token. A launch forged into another browser fails here: its storage lacks
 * the state.
 */
async function storageProofPage(
  request: Request,
  env: Env,
  state: string,
  login: LoginState,
  launch: LaunchContext,
): Promise<Response> {
  const verification = randomToken();
  await stateObject(env, verifyKey(verification)).put({ state, launch }, VERIFY_TTL_MS);
  const nonce = cspNonce();
  const config = {
    target: login.storageTarget,
    origin: login.authorizationOrigin,
    key: `state-${state}`,
    state,
    verification,
    verifyUrl: toolUrlsFor(request).storageVerifyUrl,
  };
  const body = `<main id="lti-verify"><p>Checking your launch…</p>
<p id="failed" hidden>This launch could not be confirmed in this browser. Launch the tool again from your course.</p></main>
<form id="verify" method="post" action="${escapeHtml(config.verifyUrl)}">
<input type="hidden" name="verification" value="${escapeHtml(verification)}">
<input type="hidden" name="state" value="">
</form>
<script type="application/json" id="lti-storage-get">${scriptJson(config)}</script>
<script nonce="${nonce}">
(function () {
  var cfg = JSON.parse(document.getElementById("lti-storage-get").textContent);
  var frame = cfg.target === "_parent" ? window.parent : window.parent.frames[cfg.target];
  var id = "get-" + Math.random().toString(36).slice(2);
  function fail() { document.getElementById("failed").hidden = false; }
  window.addEventListener("message", function (event) {
    var d = event.data;
    if (event.origin !== cfg.origin || !d || d.subject !== "lti.get_data.response" || d.message_id !== id) return;
    if (d.error || d.key !== cfg.key || d.value !== cfg.state) { fail(); return; }
    var form = document.getElementById("verify");
    form.elements.state.value = d.value;
    form.submit();
  });
  if (!frame) { fail(); return; }
  frame.postMessage({ subject: "lti.get_data", message_id: id, key: cfg.key }, cfg.origin);
})();
</script>`;
  return htmlPage({ title: "Checking your launch…", body, nonce, frameAncestors: launch.frameOrigins });
}

const VerifyFormSchema = v.object({ verification: TokenValueSchema, state: TokenValueSchema });

/** The platform-storage proof: the page returns the state it read back; then the token is issued. */
export async function handleLaunchVerify(request: Request, env: Env, ctx: ExecutionContext): Promise<Response> {
  // Only our own proof page may post this (finding 2 of issue 13): a cross-site form carrying
  // values copied from an attacker's proof page would log the victim into the attacker's session.
  if (request.headers.get("Sec-Fetch-Site") !== "same-origin") {
    throw rejected("cross_site_verification", "The launch confirmation must come from this tool's own page.");
  }
  const form = v.safeParse(VerifyFormSchema, await requestParams(request, { query: false }));
  if (!form.success) throw malformed("invalid_verification", "The launch confirmation is malformed.");
  const record = v.safeParse(VerifyRecordSchema, await stateObject(env, verifyKey(form.output.verification)).take());
  if (!record.success) {
    throw rejected("invalid_verification", "This launch confirmation is unknown, expired or was already used.");
  }
  if (!timingSafeEqual(record.output.state, form.output.state)) {
    throw rejected("state_not_bound", "This launch did not start in this browser. Launch the tool again.");
  }
  return issueLaunch(request, env, ctx, record.output.launch);
}

/**
 * Where the platform may frame the app page from: its issuer, its authorization endpoint, and
 * the pages it says it launched from (Canvas frames from the school's own domain, which only
 * launch_presentation.return_url names). Only URLs a platform URL could be count.
 */
function frameOriginsOf(registration: PlatformRegistration, verified: VerifiedLaunch, env: Env): string[] {
  const loopback = isLocalDevelopment(env);
  const candidates = [
    registration.issuer,
    registration.authorizationEndpoint,
    verified.returnUrl,
    verified.deepLinking?.deep_link_return_url,
  ];
  return [...new Set(candidates.map((c) => platformOrigin(c, loopback)).filter((o): o is string => o !== undefined))];
}
