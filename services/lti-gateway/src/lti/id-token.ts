import { compactVerify, decodeProtectedHeader, type JWSHeaderParameters, errors as joseErrors } from "jose";
import * as v from "valibot";
import {
  C,
  ContextSchema,
  type DeepLinkingSettings,
  DeepLinkingSettingsSchema,
  IdentitySchema,
  LaunchPresentationSchema,
  NRPS_CLAIM,
  NrpsClaimSchema,
  ResourceLinkSchema,
  RolesSchema,
  SUPPORTED_MESSAGE_TYPES,
  ToolPlatformSchema,
} from "./claims";
import { malformed, rejected } from "./errors";
import { platformKeyFor } from "./platform-jwks";
import { DeploymentIdSchema, type PlatformRegistration } from "./registry";

/** Clock leeway: "usually no more than a few minutes" [Sec §5.1.2]; ltijs's 10 s fails real platforms. */
export const CLOCK_LEEWAY_S = 120;
/** A token issued longer ago than this is refused even if its exp is later. */
export const MAX_TOKEN_AGE_S = 10 * 60;
export const MAX_ID_TOKEN_CHARS = 32 * 1024;

export interface ExpectedLaunch {
  registration: PlatformRegistration;
  nonce: string;
  targetLinkUri: string;
  /** The deployment the login named, if any: the token must agree with it. */
  loginDeploymentId?: string;
}

export interface VerifiedLaunch {
  messageType: (typeof SUPPORTED_MESSAGE_TYPES)[number];
  deploymentId: string;
  sub: string;
  name?: string;
  email?: string;
  roles: string[];
  context?: v.InferOutput<typeof ContextSchema>;
  resourceLink?: v.InferOutput<typeof ResourceLinkSchema>;
  deepLinking?: DeepLinkingSettings;
  nrps?: v.InferOutput<typeof NrpsClaimSchema>;
  targetLinkUri?: string;
  platformGuid?: string;
  /** launch_presentation.return_url: where the platform frames us from (Canvas: the school's own domain). */
  returnUrl?: string;
}

const decoder = new TextDecoder();

function header(token: string): JWSHeaderParameters {
  if (token.length > MAX_ID_TOKEN_CHARS) throw malformed("token_too_large", "The id_token is too large.");
  if (!/^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*$/.test(token)) {
    throw malformed("malformed_token", "The id_token is not a signed JWT.");
  }
  try {
    return decodeProtectedHeader(token);
  } catch {
    throw malformed("malformed_token", "The id_token header cannot be read.");
  }
}

/** Signature with the registration's JWKS, RS256 only, kid required. Returns the parsed payload. */
async function verifySignature(env: Env, token: string, jwksUri: string): Promise<Record<string, unknown>> {
  const h = header(token);
  if (h.alg !== "RS256") throw rejected("unsupported_alg", "The id_token must be signed with RS256.");
  if (typeof h.kid !== "string" || h.kid.length === 0) throw rejected("missing_kid", "The id_token header has no kid.");
  if (h.crit !== undefined) throw rejected("unsupported_alg", "The id_token uses critical header extensions.");
  const key = await platformKeyFor(env, jwksUri, h);
  let payloadBytes: Uint8Array;
  try {
    ({ payload: payloadBytes } = await compactVerify(token, key, { algorithms: ["RS256"] }));
  } catch (e) {
    if (e instanceof joseErrors.JWSSignatureVerificationFailed) {
      throw rejected("invalid_signature", "The id_token signature is not valid.");
    }
    throw rejected("invalid_signature", "The id_token could not be verified.");
  }
  let payload: unknown;
  try {
    payload = JSON.parse(decoder.decode(payloadBytes));
  } catch {
    throw malformed("malformed_token", "The id_token payload is not JSON.");
  }
  if (typeof payload !== "object" || payload === null || Array.isArray(payload)) {
    throw malformed("malformed_token", "The id_token payload is not a JSON object.");
  }
  return payload as Record<string, unknown>;
}

/** iss, aud (no untrusted extras), azp, exp/iat/nbf with leeway, nonce bound to the state [Sec §5.1.3]. */
function checkSecurityClaims(p: Record<string, unknown>, expected: ExpectedLaunch, nowS: number): void {
  const reg = expected.registration;
  if (p.iss !== reg.issuer) throw rejected("wrong_issuer", "The id_token was issued by another platform.");
  const aud = typeof p.aud === "string" ? [p.aud] : Array.isArray(p.aud) ? p.aud : null;
  if (!aud || aud.length === 0 || !aud.every((a) => typeof a === "string")) {
    throw rejected("wrong_audience", "The id_token has no audience.");
  }
  if (!aud.includes(reg.clientId)) throw rejected("wrong_audience", "The id_token is not meant for this tool.");
  if (aud.some((a) => a !== reg.clientId)) {
    throw rejected("untrusted_audience", "The id_token is also meant for audiences this tool does not trust.");
  }
  if (p.azp !== undefined && p.azp !== reg.clientId) {
    throw rejected("wrong_azp", "The id_token's authorized party is not this tool.");
  }
  if (typeof p.exp !== "number" || !Number.isFinite(p.exp))
    throw rejected("invalid_timestamps", "The id_token has no valid exp.");
  if (typeof p.iat !== "number" || !Number.isFinite(p.iat))
    throw rejected("invalid_timestamps", "The id_token has no valid iat.");
  if (p.exp + CLOCK_LEEWAY_S <= nowS) throw rejected("token_expired", "The id_token has expired.");
  if (p.iat - CLOCK_LEEWAY_S > nowS) throw rejected("token_issued_in_future", "The id_token was issued in the future.");
  if (nowS - p.iat > MAX_TOKEN_AGE_S + CLOCK_LEEWAY_S) throw rejected("token_too_old", "The id_token is too old.");
  if (p.nbf !== undefined && (typeof p.nbf !== "number" || p.nbf - CLOCK_LEEWAY_S > nowS)) {
    throw rejected("token_not_yet_valid", "The id_token is not valid yet.");
  }
  if (typeof p.nonce !== "string" || p.nonce.length === 0)
    throw rejected("missing_nonce", "The id_token has no nonce.");
  if (p.nonce !== expected.nonce) throw rejected("nonce_mismatch", "The id_token's nonce does not match this login.");
}

function claim<S extends v.GenericSchema>(schema: S, value: unknown, code: string, what: string): v.InferOutput<S> {
  const parsed = v.safeParse(schema, value);
  if (!parsed.success) throw malformed(code, `The id_token's ${what} claim is not valid.`);
  return parsed.output;
}

/** LTI claims common to every message, then per message type [Core §5.3, DL §4.4]. */
function checkLtiClaims(p: Record<string, unknown>, expected: ExpectedLaunch): VerifiedLaunch {
  const version = p[C.version];
  if (version === undefined) throw malformed("missing_lti_version", "The id_token has no LTI version.");
  if (version !== "1.3.0") throw malformed("wrong_lti_version", "Only LTI 1.3.0 launches are supported.");
  const messageType = p[C.messageType];
  if (messageType === undefined) throw malformed("missing_message_type", "The id_token has no message type.");
  if (typeof messageType !== "string" || !(SUPPORTED_MESSAGE_TYPES as readonly string[]).includes(messageType)) {
    throw malformed("unsupported_message_type", "This message type is not supported.");
  }
  const deploymentRaw = p[C.deploymentId];
  if (deploymentRaw === undefined) throw malformed("missing_deployment_id", "The id_token has no deployment id.");
  const deploymentId = claim(DeploymentIdSchema, deploymentRaw, "invalid_deployment_id", "deployment_id");
  if (expected.loginDeploymentId !== undefined && expected.loginDeploymentId !== deploymentId) {
    throw rejected("deployment_mismatch", "The id_token's deployment differs from the login's.");
  }
  const rolesRaw = p[C.roles];
  if (rolesRaw === undefined) throw malformed("missing_roles", "The id_token has no roles claim.");
  const roles = claim(RolesSchema, rolesRaw, "invalid_roles", "roles");
  // Anonymous launches are allowed by Core §5.3.6.1, but a learning tool needs to know the learner.
  if (p.sub === undefined || p.sub === "")
    throw malformed("missing_sub", "The id_token does not identify the user (sub).");
  const identity = claim(IdentitySchema, p, "invalid_identity", "identity");
  const context =
    p[C.context] === undefined ? undefined : claim(ContextSchema, p[C.context], "invalid_context", "context");
  if (p[C.toolPlatform] !== undefined)
    claim(ToolPlatformSchema, p[C.toolPlatform], "invalid_tool_platform", "tool_platform");
  const presentation =
    p[C.launchPresentation] === undefined
      ? undefined
      : claim(LaunchPresentationSchema, p[C.launchPresentation], "invalid_launch_presentation", "launch_presentation");
  const nrpsParsed = p[NRPS_CLAIM] === undefined ? undefined : v.safeParse(NrpsClaimSchema, p[NRPS_CLAIM]);
  const name = identity.name ?? ([identity.given_name, identity.family_name].filter(Boolean).join(" ") || undefined);
  const base: VerifiedLaunch = {
    messageType: messageType as VerifiedLaunch["messageType"],
    deploymentId,
    sub: identity.sub ?? "",
    ...(name ? { name } : {}),
    ...(identity.email ? { email: identity.email } : {}),
    roles,
    ...(context ? { context } : {}),
    ...(presentation?.return_url ? { returnUrl: presentation.return_url } : {}),
    // A malformed optional service claim disables the service instead of failing the launch.
    ...(nrpsParsed?.success ? { nrps: nrpsParsed.output } : {}),
  };
  const target = p[C.targetLinkUri];
  if (messageType === "LtiResourceLinkRequest") {
    if (target === undefined) throw malformed("missing_target_link_uri", "The id_token has no target_link_uri.");
    if (target !== expected.targetLinkUri) {
      throw rejected("target_link_uri_mismatch", "The id_token's target_link_uri differs from the login's.");
    }
    if (p[C.resourceLink] === undefined) throw malformed("missing_resource_link", "The id_token has no resource_link.");
    const resourceLink = claim(ResourceLinkSchema, p[C.resourceLink], "missing_resource_link", "resource_link id");
    return { ...base, targetLinkUri: target, resourceLink };
  }
  // Deep linking: target_link_uri may be absent (the cert suite omits it); if present it must agree.
  if (target !== undefined && target !== expected.targetLinkUri) {
    throw rejected("target_link_uri_mismatch", "The id_token's target_link_uri differs from the login's.");
  }
  if (p[C.dlSettings] === undefined) {
    throw malformed("missing_deep_linking_settings", "The deep-linking request has no deep_linking_settings.");
  }
  const deepLinking = claim(
    DeepLinkingSettingsSchema,
    p[C.dlSettings],
    "invalid_deep_linking_settings",
    "deep_linking_settings",
  );
  return { ...base, deepLinking };
}

/** Full id_token validation against the registration and login state (docs/lti.md, "What the tool checks on every launch"). */
export async function verifyIdToken(env: Env, token: string, expected: ExpectedLaunch): Promise<VerifiedLaunch> {
  const payload = await verifySignature(env, token, expected.registration.jwksUri);
  checkSecurityClaims(payload, expected, Math.floor(Date.now() / 1000));
  return checkLtiClaims(payload, expected);
}
