import { nowIso } from "@atomic-guide/shared";
import * as v from "valibot";
import { autoActivatesRegistrations, gatewayConfig, isLocalDevelopment } from "../env";
import { ensureTenant } from "../tenants/store";
import { malformed, rejected } from "./errors";
import { cspNonce, escapeHtml, htmlPage } from "./html";
import { NRPS_SCOPE } from "./nrps";
import { isAllowedPlatformUrl } from "./platform-url";
import { getRegistration, putRegistration } from "./registry";
import { defaultTenantId } from "./tenant-id";
import { toolUrlsFor } from "./tool-urls";

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
    "https://canvas.instructure.com/lti/account_name": v.optional(v.pipe(v.string(), v.maxLength(200))),
  }),
});
type OpenIdConfiguration = v.InferOutput<typeof OpenIdConfigurationSchema>;

const RegistrationResponseSchema = v.looseObject({
  client_id: v.pipe(v.string(), v.minLength(1), v.maxLength(255), v.regex(/^[\x21-\x7e]+$/)),
  [TOOL_CONFIG]: v.optional(
    v.looseObject({ deployment_id: v.optional(v.pipe(v.string(), v.minLength(1), v.maxLength(255))) }),
  ),
});

async function boundedJson(response: Response): Promise<unknown> {
  const text = await response.text();
  if (text.length > MAX_CONFIG_BYTES) throw malformed("registration_failed", "The platform's answer is too large.");
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}

/** §3.5.1: the configuration URL must be under the issuer (Canvas: issuer host; Moodle: wwwroot). */
export function issuerMatchesConfigurationUrl(issuer: string, configurationUrl: string): boolean {
  const base = issuer.replace(/\/+$/, "");
  return configurationUrl === base || configurationUrl.startsWith(`${base}/`);
}

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
  const parsed = v.safeParse(OpenIdConfigurationSchema, await boundedJson(response));
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
  const answer = await boundedJson(response);
  if (!response.ok) {
    // Canvas answers 422 {errors: [...]} (canvas-lms #2396); show what it said, escaped, bounded.
    const detail = JSON.stringify(answer ?? {}).slice(0, 300);
    throw malformed("registration_refused", `The platform refused the registration (${response.status}): ${detail}`);
  }
  const parsed = v.safeParse(RegistrationResponseSchema, answer);
  if (!parsed.success) throw malformed("registration_failed", "The platform's registration answer has no client_id.");
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
  const answer = await postRegistration(config, toolConfiguration(request, env, config), token);
  const platform = config[PLATFORM_CONFIG];
  const deploymentId = answer[TOOL_CONFIG]?.deployment_id;
  const existing = await getRegistration(env, config.issuer, answer.client_id);
  const label = platform["https://canvas.instructure.com/lti/account_name"] ?? new URL(config.issuer).host;
  const tenantId = existing?.tenantId ?? (await defaultTenantId(label, config.issuer, answer.client_id));
  await ensureTenant(env, { tenantId, name: label });
  const status = existing?.status === "active" || autoActivatesRegistrations(env) ? "active" : "pending";
  const now = nowIso();
  await putRegistration(env, {
    issuer: config.issuer,
    clientId: answer.client_id,
    tenantId,
    name: label,
    status,
    authorizationEndpoint: config.authorization_endpoint,
    tokenEndpoint: config.token_endpoint,
    jwksUri: config.jwks_uri,
    ...(config.authorization_server ? { authorizationServer: config.authorization_server } : {}),
    deploymentIds: [...new Set([...(existing?.deploymentIds ?? []), ...(deploymentId ? [deploymentId] : [])])],
    // Moodle names its deployment at registration; Canvas does not (see docs/lti.md).
    newDeployments: deploymentId ? "reject" : "adopt",
    ...(platform.product_family_code ? { productFamily: platform.product_family_code } : {}),
    source: "dynamic",
    createdAt: existing?.createdAt ?? now,
    updatedAt: now,
  });
  const nonce = cspNonce();
  const message =
    status === "active"
      ? "Atomic Guide is registered and active."
      : "Atomic Guide is registered. An Atomic Guide operator must activate the registration before the first launch.";
  return htmlPage({
    title: "Atomic Guide registered",
    nonce,
    body: `<main id="lti-registered" data-status="${status}" data-client-id="${escapeHtml(answer.client_id)}">
<h1>Registration complete</h1>
<p>${escapeHtml(message)}</p>
<p>Client id: <code>${escapeHtml(answer.client_id)}</code>${deploymentId ? `, deployment id: <code>${escapeHtml(deploymentId)}</code>` : ""}</p>
</main>
<script nonce="${nonce}">(window.opener || window.parent).postMessage({ subject: "org.imsglobal.lti.close" }, "*");</script>`,
  });
}
