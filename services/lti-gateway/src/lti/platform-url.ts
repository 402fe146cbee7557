const LOOPBACK_HOSTS = new Set(["localhost", "127.0.0.1", "[::1]"]);

/**
 * Whether a platform URL (authorization, token, JWKS, OpenID configuration) may be used: https
 * only, no credentials in it; plain http only to a loopback host and only with local
 * development settings, so a simulator on the same machine works and nothing else does.
 */
export function isAllowedPlatformUrl(raw: string, allowLoopback: boolean): boolean {
  if (!URL.canParse(raw)) return false;
  const url = new URL(raw);
  if (url.username || url.password) return false;
  const loopback = LOOPBACK_HOSTS.has(url.hostname);
  if (loopback) return allowLoopback && (url.protocol === "https:" || url.protocol === "http:");
  return url.protocol === "https:";
}

/** The origin of a platform URL we would accept, or undefined when it is not one. */
export function platformOrigin(raw: string | undefined, allowLoopback: boolean): string | undefined {
  return raw !== undefined && isAllowedPlatformUrl(raw, allowLoopback) ? new URL(raw).origin : undefined;
}
