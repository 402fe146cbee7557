/**
 * What the error page says when the platform answers the authentication request with `error`
 * [Sec §5.1.1.5]. Only these OAuth/OIDC codes are named; anything else, and every
 * `error_description`, is never shown: the form post can come from anyone, and the page is on
 * the tool's origin (finding 11 of issue 13).
 */
const KNOWN_ERRORS: Record<string, string> = {
  invalid_request: "The platform found the login request invalid.",
  unauthorized_client: "The platform does not allow this tool to log you in.",
  access_denied: "The platform denied access to this tool.",
  unsupported_response_type: "The platform does not support this tool's login.",
  invalid_scope: "The platform refused the requested access.",
  server_error: "The platform had an internal error.",
  temporarily_unavailable: "The platform is temporarily unavailable.",
  login_required: "You are not logged in to the platform.",
  interaction_required: "The platform needs you to interact with it first.",
  consent_required: "The platform needs your consent first.",
  account_selection_required: "The platform needs you to choose an account first.",
  invalid_request_uri: "The platform found the login request invalid.",
  invalid_request_object: "The platform found the login request invalid.",
  launch_no_longer_valid: "This launch is no longer valid.",
};

export function platformErrorMessage(code: string): string {
  const known = Object.hasOwn(KNOWN_ERRORS, code) ? KNOWN_ERRORS[code] : undefined;
  return known
    ? `The platform reported an error: ${known}`
    : "The platform reported an error. Launch the tool again from your course.";
}
