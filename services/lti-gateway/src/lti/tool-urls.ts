/**
 * The tool's own URLs, derived from the origin the request arrived on (the custom domain in
 * production, http://localhost:8787 locally). They are what platforms register, so they must
 * be exact: Canvas matches redirect_uri character for character.
 */
export function toolUrls(origin: string) {
  return {
    origin,
    loginUrl: `${origin}/lti/init`,
    launchUrl: `${origin}/lti/launch`,
    targetLinkUri: `${origin}/lti/launch`,
    jwksUrl: `${origin}/.well-known/jwks.json`,
    deepLinkUrl: `${origin}/lti/launch`,
    deepLinkResponseUrl: `${origin}/lti/deep_link`,
    registrationUrl: `${origin}/lti/register`,
    storageVerifyUrl: `${origin}/lti/launch/verify`,
  };
}
export type ToolUrls = ReturnType<typeof toolUrls>;

export const toolUrlsFor = (request: Request) => toolUrls(new URL(request.url).origin);

/**
 * Whether a target_link_uri belongs to this tool: same origin, and a path the tool serves
 * launches on. It arrives unsigned at login [Core §5.3.4], so it is only ever compared and
 * never followed.
 */
export function isOwnTargetLink(target: string, urls: ToolUrls): boolean {
  if (!URL.canParse(target)) return false;
  const url = new URL(target);
  if (url.origin !== urls.origin) return false;
  return url.pathname === "/lti/launch" || url.pathname === "/" || url.pathname.startsWith("/app");
}
