import * as v from "valibot";
import { isLocalDevelopment } from "../env";
import { malformed, rejected } from "./errors";
import { cspNonce, escapeHtml, htmlPage, scriptJson } from "./html";
import { requestParams } from "./params";
import { isAllowedPlatformUrl, platformOrigin } from "./platform-url";
import { DeploymentIdSchema, issuerKeyFits, registrationKeyFits, resolveRegistration } from "./registry";
import { randomToken, StorageTargetSchema, saveLoginState, stateCookie } from "./state";
import { isOwnTargetLink, toolUrlsFor } from "./tool-urls";

const LoginParamsSchema = v.object({
  iss: v.pipe(v.string(), v.minLength(1), v.maxLength(2048)),
  login_hint: v.pipe(v.string(), v.minLength(1), v.maxLength(4096)),
  target_link_uri: v.pipe(v.string(), v.minLength(1), v.maxLength(2048)),
  client_id: v.optional(v.pipe(v.string(), v.maxLength(255))),
  lti_message_hint: v.optional(v.pipe(v.string(), v.maxLength(8192))),
  lti_deployment_id: v.optional(v.string()),
  deployment_id: v.optional(v.string()),
  lti_storage_target: v.optional(v.string()),
});

/** OIDC third-party login initiation [Sec §5.1.1.1]: GET or POST. */
export async function handleLogin(request: Request, env: Env): Promise<Response> {
  const raw = await requestParams(request);
  for (const required of ["iss", "login_hint", "target_link_uri"] as const) {
    if (!raw[required]) throw malformed("missing_parameter", `The login request has no ${required}.`);
  }
  const parsed = v.safeParse(LoginParamsSchema, raw);
  if (!parsed.success) throw malformed("invalid_parameter", "The login request has a parameter that is too long.");
  const params = parsed.output;
  const urls = toolUrlsFor(request);

  if (!issuerKeyFits(params.iss, 0) || (params.client_id && !registrationKeyFits(params.iss, params.client_id))) {
    throw malformed("invalid_parameter", "The login request's iss or client_id is too long.");
  }
  const registration = await resolveRegistration(env, params.iss, params.client_id || undefined);
  if (!registration) throw rejected("unknown_registration", "This platform (issuer and client id) is not registered.");
  if (registration.status !== "active") {
    throw rejected("registration_inactive", "This platform's registration is waiting for an operator to activate it.");
  }
  const deploymentRaw = params.lti_deployment_id ?? params.deployment_id;
  let loginDeploymentId: string | undefined;
  if (deploymentRaw !== undefined && deploymentRaw !== "") {
    if (!v.is(DeploymentIdSchema, deploymentRaw))
      throw malformed("invalid_deployment_id", "The deployment id is not valid.");
    // Early fail; the launch re-checks against the signed claim.
    if (!registration.deploymentIds.includes(deploymentRaw) && registration.newDeployments === "reject") {
      throw rejected("unknown_deployment", "This deployment of the tool is not registered.");
    }
    loginDeploymentId = deploymentRaw;
  }
  if (!isOwnTargetLink(params.target_link_uri, urls)) {
    throw malformed("invalid_target_link_uri", "The target_link_uri does not belong to this tool.");
  }
  if (!isAllowedPlatformUrl(registration.authorizationEndpoint, isLocalDevelopment(env))) {
    throw malformed("insecure_platform_url", "The platform's authorization endpoint must use https.");
  }
  let storageTarget: string | undefined;
  if (params.lti_storage_target !== undefined) {
    if (!v.is(StorageTargetSchema, params.lti_storage_target)) {
      throw malformed("invalid_storage_target", "lti_storage_target is not an acceptable frame name.");
    }
    storageTarget = params.lti_storage_target;
  }

  const state = randomToken();
  const nonce = randomToken();
  const binding = randomToken();
  const authUrl = new URL(registration.authorizationEndpoint);
  await saveLoginState(env, state, {
    nonce,
    binding,
    issuer: registration.issuer,
    clientId: registration.clientId,
    ...(loginDeploymentId ? { loginDeploymentId } : {}),
    targetLinkUri: params.target_link_uri,
    ...(storageTarget ? { storageTarget } : {}),
    authorizationOrigin: authUrl.origin,
    createdAt: Date.now(),
  });
  const query: Record<string, string> = {
    scope: "openid",
    response_type: "id_token",
    response_mode: "form_post",
    prompt: "none",
    client_id: registration.clientId,
    redirect_uri: urls.launchUrl,
    login_hint: params.login_hint,
    state,
    nonce,
  };
  if (params.lti_message_hint !== undefined) query.lti_message_hint = params.lti_message_hint;
  for (const [k, value] of Object.entries(query)) authUrl.searchParams.set(k, value);

  const cookie = stateCookie(state, binding);
  if (!storageTarget) {
    return new Response(null, {
      status: 302,
      headers: { Location: authUrl.toString(), "Set-Cookie": cookie, "Cache-Control": "no-store" },
    });
  }
  const frameOrigins = [...new Set([platformOrigin(registration.issuer, isLocalDevelopment(env)), authUrl.origin])];
  return storagePutPage({
    authUrl,
    state,
    nonce,
    storageTarget,
    cookie,
    frameOrigins: frameOrigins.filter((o): o is string => o !== undefined),
  });
}

/**
 * Platform storage [PS]: the page stores state and nonce in the platform's storage frame, waits
 * for the platform to confirm, then continues to the authorization endpoint. The cookie is set
 * as well; whichever the browser keeps binds the launch.
 */
function storagePutPage(opts: {
  authUrl: URL;
  state: string;
  nonce: string;
  storageTarget: string;
  cookie: string;
  frameOrigins: string[];
}) {
  const nonce = cspNonce();
  const config = {
    target: opts.storageTarget,
    origin: opts.authUrl.origin,
    authUrl: opts.authUrl.toString(),
    items: [
      { key: `state-${opts.state}`, value: opts.state },
      { key: `nonce-${opts.nonce}`, value: opts.nonce },
    ],
  };
  const body = `<main id="lti-login"><p>Connecting to your course…</p>
<p><a id="continue" href="${escapeHtml(opts.authUrl.toString())}">Continue</a></p></main>
<script type="application/json" id="lti-storage-put">${scriptJson(config)}</script>
<script nonce="${nonce}">
(function () {
  var cfg = JSON.parse(document.getElementById("lti-storage-put").textContent);
  var frame = cfg.target === "_parent" ? window.parent : window.parent.frames[cfg.target];
  var pending = {};
  var done = false;
  function go() { if (!done) { done = true; window.location.replace(cfg.authUrl); } }
  window.addEventListener("message", function (event) {
    if (event.origin !== cfg.origin || !event.data || event.data.subject !== "lti.put_data.response") return;
    if (!pending[event.data.message_id]) return;
    delete pending[event.data.message_id];
    if (Object.keys(pending).length === 0) go();
  });
  if (!frame) { go(); return; }
  cfg.items.forEach(function (item, i) {
    var id = "put-" + i + "-" + Math.random().toString(36).slice(2);
    pending[id] = true;
    frame.postMessage({ subject: "lti.put_data", message_id: id, key: item.key, value: item.value }, cfg.origin);
  });
  // A platform that never answers must not strand the user; the cookie may still bind the launch.
  setTimeout(go, 3000);
})();
</script>`;
  return htmlPage({
    title: "Connecting…",
    body,
    nonce,
    headers: { "Set-Cookie": opts.cookie },
    frameAncestors: opts.frameOrigins,
  });
}
