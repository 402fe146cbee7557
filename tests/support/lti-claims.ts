// The claims an id_token from the simulated LMS carries, shaped like Canvas's or Moodle's: the
// core LTI claims first, then what each LMS adds of its own (placement, custom variables,
// legacy ids, AGS endpoints), because the gateway must accept both as they really arrive.
import { LTI, LTI_DL, NRPS, ROLE } from "./lti-jws.ts";

export interface LaunchUser {
  sub?: string;
  name?: string;
  given_name?: string;
  family_name?: string;
  email?: string;
  roles?: string[];
}

export interface IdTokenOptions {
  nonce: string;
  targetLinkUri: string;
  messageType?: "LtiResourceLinkRequest" | "LtiDeepLinkingRequest";
  user?: LaunchUser;
  context?: { id: string; title?: string; label?: string } | null;
  /** Adds the Names and Roles claim pointing at this platform. */
  nrps?: boolean;
  deepLinkReturnUrl?: string;
  deepLinkData?: string;
  acceptMultiple?: boolean;
}

/** What of a platform its id_tokens depend on. */
export interface ClaimingPlatform {
  readonly shape: "canvas" | "moodle";
  readonly origin: string;
  readonly issuer: string;
  readonly clientId: string;
  readonly deploymentId: string;
  readonly membershipsUrl: string;
}

/** The claims this LMS puts in an id_token. */
export function idTokenClaims(platform: ClaimingPlatform, opts: IdTokenOptions): Record<string, unknown> {
  const now = Math.floor(Date.now() / 1000);
  const messageType = opts.messageType ?? "LtiResourceLinkRequest";
  const user: LaunchUser = opts.user ?? {
    sub: platform.shape === "canvas" ? "8d4c9a3e-2b1f-4c6e-9f0a-5e7d3b2c1a90" : "4",
    name: "Ada Lovelace",
    given_name: "Ada",
    family_name: "Lovelace",
    email: "ada@example.edu",
    roles: [ROLE.learner],
  };
  const context =
    opts.context === null
      ? undefined
      : (opts.context ?? {
          id: platform.shape === "canvas" ? "4dde05e8ca1973bcca9bffc13e1548820eee93a3" : "42",
          title: "Analytical Engines 101",
          label: "AE101",
        });
  const claims: Record<string, unknown> = {
    iss: platform.issuer,
    aud: platform.clientId,
    sub: user.sub,
    exp: now + 3600,
    iat: now,
    nonce: opts.nonce,
    [`${LTI}message_type`]: messageType,
    [`${LTI}version`]: "1.3.0",
    [`${LTI}deployment_id`]: platform.deploymentId,
    [`${LTI}roles`]: user.roles ?? [],
  };
  for (const k of ["name", "given_name", "family_name", "email"] as const) {
    if (user[k] !== undefined) claims[k] = user[k];
  }
  if (user.sub === undefined) delete claims.sub;
  if (context) {
    claims[`${LTI}context`] = { ...context, type: ["http://purl.imsglobal.org/vocab/lis/v2/course#CourseOffering"] };
  }
  if (messageType === "LtiResourceLinkRequest") {
    claims[`${LTI}target_link_uri`] = opts.targetLinkUri;
    claims[`${LTI}resource_link`] = {
      id: platform.shape === "canvas" ? "e1b5d3b8c2a4f6e8d0c2b4a6f8e0d2c4b6a8f0e2" : "7",
      title: "Atomic Guide",
    };
  } else {
    claims[`${LTI_DL}deep_linking_settings`] = {
      deep_link_return_url: opts.deepLinkReturnUrl ?? `${platform.origin}/deep_linking_return`,
      accept_types: ["ltiResourceLink", "link"],
      accept_presentation_document_targets: ["iframe", "window"],
      accept_multiple: opts.acceptMultiple ?? true,
      accept_lineitem: true,
      title: "Atomic Guide",
      ...(opts.deepLinkData !== undefined ? { data: opts.deepLinkData } : {}),
    };
  }
  if (opts.nrps) {
    claims[NRPS] = { context_memberships_url: platform.membershipsUrl, service_versions: ["2.0"] };
  }
  Object.assign(claims, platform.shape === "canvas" ? canvasClaims(platform) : moodleClaims(platform));
  return claims;
}

function canvasClaims(platform: ClaimingPlatform): Record<string, unknown> {
  const claims: Record<string, unknown> = {};
  claims.azp = platform.clientId;
  claims.locale = "en";
  claims[`${LTI}tool_platform`] = {
    guid: "Mn3ZeEDnfQLmAsCs4xTV93NeIaqZVrT0mg5Yo6bT:canvas-lms",
    name: "Example University",
    version: "cloud",
    product_family_code: "canvas",
  };
  claims[`${LTI}launch_presentation`] = {
    document_target: "iframe",
    return_url: `${platform.origin}/courses/42/external_content/success/external_tool_redirect`,
    locale: "en",
  };
  claims[`${LTI}custom`] = {
    canvas_course_id: "42",
    canvas_user_id: "$Canvas.user.id",
    section_ids: "$Canvas.course.sectionIds",
  };
  claims[`${LTI}lti11_legacy_user_id`] = "a5b8c1d2e3f4";
  claims[`${LTI}lti1p1`] = { user_id: "a5b8c1d2e3f4", resource_link_id: "e1b5d3b8" };
  claims["https://www.instructure.com/placement"] = "course_navigation";
  claims.errors = { errors: {} };
  claims.validation_context = null;
  return claims;
}

function moodleClaims(platform: ClaimingPlatform): Record<string, unknown> {
  const claims: Record<string, unknown> = {};
  claims[`${LTI}tool_platform`] = {
    family_code: "moodle",
    version: "2024042200",
    guid: new URL(platform.origin).host,
    name: "Example Moodle",
    description: "Example Moodle",
  };
  claims[`${LTI}launch_presentation`] = {
    locale: "en",
    document_target: "iframe",
    return_url: `${platform.origin}/mod/lti/return.php?course=42`,
  };
  claims[`${LTI}ext`] = { user_username: "ada", lms: "moodle-2" };
  claims[`${LTI}lis`] = { person_sourcedid: "", course_section_sourcedid: "" };
  claims["https://purl.imsglobal.org/spec/lti-ags/claim/endpoint"] = {
    scope: [
      "https://purl.imsglobal.org/spec/lti-ags/scope/lineitem",
      "https://purl.imsglobal.org/spec/lti-ags/scope/score",
    ],
    lineitems: `${platform.origin}/mod/lti/services.php/42/lineitems?type_id=2`,
  };
  return claims;
}
