import * as v from "valibot";
import { autoActivatesRegistrations, gatewayConfig, isLocalDevelopment } from "../env";
import { ensureToolKey } from "../keys/store";
import { recordDynamicRegistration } from "./dynamic-registration-record";
import { LtiError, malformed, rejected } from "./errors";
import { cspNonce, escapeHtml, htmlPage } from "./html";
import { issuerMatchesConfigurationUrl } from "./issuer-match";
import { NRPS_SCOPE } from "./nrps";
import { readPlatformJson } from "./platform-response";
import { isAllowedPlatformUrl } from "./platform-url";
import { countPendingRegistrations, DeploymentIdSchema, issuerKeyFits, registrationKeyFits } from "./registry";
import { toolUrlsFor } from "./tool-urls";

/**
 * Registrations (new ones and revisions) waiting for an operator. /lti/register is open to
 * anyone, so past this bound it refuses until an operator activates or deletes some.
 */
export const MAX_PENDING_REGISTRATIONS = 100;

const PLATFORM_CONFIG = "https://purl.imsglobal.org/spec/lti-platform-configuration";
const TOOL_CONFIG = "https://purl.imsglobal.org/spec/lti-tool-configuration";
const MAX_CONFIG_BYTES = 64 * 1024;
const FETCH_TIMEOUT_MS = 5000;

const QuerySchema = v.object({
  openid_configuration: v.pipe(v.string(), v.minLength(1), v.maxLength(2048)),
  registration_token: v.optional(v.pipe(v.string(), v.maxLength(8192))),
});

const url = v.pipe(v.string(), v.url(), v.maxLength(2048));
const OpenIdConfigurationSchema = v.looseObject({
  issuer: url,
  authorization_endpoint: url,
  registration_endpoint: url,
  jwks_uri: url,
  token_endpoint: url,
  authorization_server: v.optional(v.pipe(v.string(), v.maxLength(2048))),
  scopes_supported: v.optional(v.array(v.string())),
  id_token_signing_alg_values_supported: v.array(v.string()),
  [PLATFORM_CONFIG]: v.looseObject({
    product_family_code: v.optional(v.pipe(v.string(), v.maxLength(64))),
    version: v.optional(v.string()),
    // Trimmed; an empty name falls back to the issuer's host (a tenant needs a name).
    "https://canvas.instructure.com/lti/account_name": v.optional(v.pipe(v.string(), v.trim(), v.maxLength(200))),
  }),
});
type OpenIdConfiguration = v.InferOutput<typeof OpenIdConfigurationSchema>;

const RegistrationResponseSchema = v.looseObject({
  client_id: v.pipe(v.string(), v.minLength(1), v.maxLength(255), v.regex(/^[\x21-\x7e]+$/)),
  [TOOL_CONFIG]: v.optional(v.looseObject({ deployment_id: v.optional(DeploymentIdSchema) })),
});

async function fetchConfiguration(configUrl: string, token: string | undefined): Promise<OpenIdConfiguration> {
  let response: Response;
  try {
    response = await fetch(configUrl, {
      headers: { Accept: "application/json", ...(token ? { Authorization: `Bearer ${token}` } : {}) },
      redirect: "manual",
      signal: AbortSignal.timeout(FETCH_TIMEOUT_MS),
    });
  } catch {
    throw malformed("openid_configuration_unavailable", "The platform's OpenID configuration could not be fetched.");
  }
  if (!response.ok) {
    throw malformed(
      "openid_configuration_unavailable",
      `The platform's OpenID configuration answered ${response.status}.`,
    );
  }
  const parsed = v.safeParse(OpenIdConfigurationSchema, await readPlatformJson(response, MAX_CONFIG_BYTES));
  if (!parsed.success)
    throw malformed("invalid_openid_configuration", "The platform's OpenID configuration is incomplete.");
  return parsed.output;
}

function toolConfiguration(request: Request, env: Env, config: OpenIdConfiguration) {
  const urls = toolUrlsFor(request);
  const name = gatewayConfig(env).TOOL_NAME;
  const scopes = (config.scopes_supported ?? []).includes(NRPS_SCOPE) ? [NRPS_SCOPE] : [];
  const canvas = config[PLATFORM_CONFIG].product_family_code === "canvas";
  return {
    application_type: "web",
    response_types: ["id_token"],
    grant_types: ["implicit", "client_credentials"],
    initiate_login_uri: urls.loginUrl,
    redirect_uris: [urls.launchUrl],
    client_name: name,
    jwks_uri: urls.jwksUrl,
    token_endpoint_auth_method: "private_key_jwt",
    scope: scopes.join(" "),
    [TOOL_CONFIG]: {
      domain: new URL(urls.origin).host,
      target_link_uri: urls.targetLinkUri,
      description: "Notices when learners struggle and offers timely help.",
      claims: ["iss", "sub", "name", "given_name", "family_name"],
      messages: [
        {
          type: "LtiResourceLinkRequest",
          target_link_uri: urls.targetLinkUri,
          label: name,
          ...(canvas ? { placements: ["course_navigation"] } : {}),
        },
        {
          type: "LtiDeepLinkingRequest",
          target_link_uri: urls.deepLinkUrl,
          label: name,
          placements: canvas ? ["assignment_selection", "link_selection"] : ["ContentArea"],
        },
      ],
      ...(canvas ? { "https://canvas.instructure.com/lti/privacy_level": "name_only" } : {}),
    },
  };
}

async function postRegistration(config: OpenIdConfiguration, body: unknown, token: string | undefined) {
  let response: Response;
  try {
    response = await fetch(config.registration_endpoint, {
      method: "POST",
      headers: {
        "Content-Type": "application/json",
        Accept: "application/json",
        ...(token ? { Authorization: `Bearer ${token}` } : {}),
      },
      body: JSON.stringify(body),
      redirect: "manual",
      signal: AbortSignal.timeout(FETCH_TIMEOUT_MS),
    });
  } catch {
    throw malformed("registration_failed", "The platform's registration endpoint could not be reached.");
  }
  const answer = await readPlatformJson(response, MAX_CONFIG_BYTES);
  if (!response.ok) {
    // Canvas answers 422 {errors: [...]} (canvas-lms #2396); show what it said, escaped, bounded.
    const detail = JSON.stringify(answer ?? {}).slice(0, 300);
    throw malformed("registration_refused", `The platform refused the registration (${response.status}): ${detail}`);
  }
  const parsed = v.safeParse(RegistrationResponseSchema, answer);
  if (!parsed.success) {
    throw malformed(
      "registration_failed",
      "The platform's registration answer has no usable client_id or deployment_id.",
    );
  }
  return parsed.output;
}

/**
 * GET /lti/register: LTI Dynamic Registration 1.0. The platform's configuration is fetched and
 * used on the server only (never round-tripped through the browser); the registration is
 * stored pending until an operator activates it (or at once with the local-only auto-activate).
 */
export async function handleDynamicRegistration(request: Request, env: Env): Promise<Response> {
  const query = v.safeParse(QuerySchema, Object.fromEntries(new URL(request.url).searchParams));
  if (!query.success) throw malformed("missing_parameter", "The registration request needs openid_configuration.");
  const allowLoopback = isLocalDevelopment(env);
  const configUrl = query.output.openid_configuration;
  if (!isAllowedPlatformUrl(configUrl, allowLoopback)) {
    throw malformed("insecure_platform_url", "The OpenID configuration URL must use https.");
  }
  const token = query.output.registration_token || undefined;
  const config = await fetchConfiguration(configUrl, token);
  if (!issuerMatchesConfigurationUrl(config.issuer, configUrl)) {
    throw rejected("issuer_mismatch", "The platform's issuer does not match its OpenID configuration URL.");
  }
  for (const endpoint of [
    config.authorization_endpoint,
    config.registration_endpoint,
    config.jwks_uri,
    config.token_endpoint,
  ]) {
    if (!isAllowedPlatformUrl(endpoint, allowLoopback)) {
      throw malformed("insecure_platform_url", "Every platform endpoint must use https.");
    }
  }
  if (!config.id_token_signing_alg_values_supported.includes("RS256")) {
    throw malformed("invalid_openid_configuration", "The platform does not sign id_tokens with RS256.");
  }
  const platform = config[PLATFORM_CONFIG];
  const label = platform["https://canvas.instructure.com/lti/account_name"] || new URL(config.issuer).host;
  // Everything that can refuse does so before the platform creates its side.
  if (!issuerKeyFits(config.issuer)) throw malformed("invalid_parameter", "The platform's issuer is too long.");
  if ((await countPendingRegistrations(env, MAX_PENDING_REGISTRATIONS)) >= MAX_PENDING_REGISTRATIONS) {
    throw new LtiError(403, "too_many_pending_registrations", "Too many registrations wait for an operator.");
  }
  await ensureToolKey(env);
  const answer = await postRegistration(config, toolConfiguration(request, env, config), token);
  const deploymentId = answer[TOOL_CONFIG]?.deployment_id;
  if (!registrationKeyFits(config.issuer, answer.client_id)) {
    throw malformed("registration_failed", "The platform's client_id is too long to store.");
  }
  const outcome = await recordDynamicRegistration(env, {
    issuer: config.issuer,
    clientId: answer.client_id,
    label,
    autoActivate: autoActivatesRegistrations(env),
    fields: {
      name: label,
      authorizationEndpoint: config.authorization_endpoint,
      tokenEndpoint: config.token_endpoint,
      jwksUri: config.jwks_uri,
      ...(config.authorization_server ? { authorizationServer: config.authorization_server } : {}),
      deploymentIds: deploymentId ? [deploymentId] : [],
      // Moodle names its deployment at registration; Canvas does not (see docs/lti.md).
      newDeployments: deploymentId ? "reject" : "adopt",
      ...(platform.product_family_code ? { productFamily: platform.product_family_code } : {}),
    },
  });
  const status = outcome.kind === "revision" ? "pending" : outcome.status;
  const nonce = cspNonce();
  const message =
    outcome.kind === "revision"
      ? "This platform was already registered. The changed settings wait for an Atomic Guide operator to review them; until then the existing registration stays in use."
      : status === "active"
        ? "Atomic Guide is registered and active."
        : "Atomic Guide is registered. An Atomic Guide operator must activate the registration before the first launch.";
  return htmlPage({
    title: "Atomic Guide registered",
    nonce,
    // The platform shows this page in its own frame; no other site may.
    frameAncestors: [new URL(config.issuer).origin],
    body: `<main id="lti-registered" data-status="${status}" data-outcome="${outcome.kind}" data-client-id="${escapeHtml(answer.client_id)}">
<h1>Registration complete</h1>
<p>${escapeHtml(message)}</p>
<p>Client id: <code>${escapeHtml(answer.client_id)}</code>${deploymentId ? `, deployment id: <code>${escapeHtml(deploymentId)}</code>` : ""}</p>
</main>
<script nonce="${nonce}">(window.opener || window.parent).postMessage({ subject: "org.imsglobal.lti.close" }, "*");</script>`,
  });
}
