/**
 * LTI Dynamic Registration §3.5.1: the OpenID configuration URL must lie under the issuer
 * (Canvas serves it on the issuer's host, Moodle under its wwwroot, which is the issuer).
 * Compared on the parsed URLs, never on raw strings: `fetch` resolves dot segments
 * (`/moodle/../static/x`, `%2e%2e`), so a string prefix would let a file elsewhere on the host
 * pass. Same origin, and the issuer's path segments are a prefix of the configuration's.
 * Encoded dots, slashes and backslashes are refused outright: a server may decode them into
 * segments the parser never saw.
 */
export function issuerMatchesConfigurationUrl(issuer: string, configurationUrl: string): boolean {
  if (/%2e|%2f|%5c/i.test(configurationUrl)) return false;
  let iss: URL;
  let config: URL;
  try {
    iss = new URL(issuer);
    config = new URL(configurationUrl);
  } catch {
    return false;
  }
  if (iss.origin !== config.origin || iss.search || iss.hash) return false;
  const issuerSegments = segments(iss.pathname);
  const configSegments = segments(config.pathname);
  if (configSegments.length < issuerSegments.length) return false;
  return issuerSegments.every((segment, i) => configSegments[i] === segment);
}

const segments = (path: string) => path.split("/").filter((s) => s.length > 0);
