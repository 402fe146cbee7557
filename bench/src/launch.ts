// One LTI 1.3 launch as a browser and an LMS make it: OIDC login initiation at the gateway,
// its redirect to the platform's authorization endpoint, the platform's signed id_token, and
// the form post to the launch URL. Returns the API token from the launch page.
// testing/flows.ts has the same flow for the integration suite, but through Miniflare's
// dispatchFetch (an extra entry Worker and Node hop); the bench sends straight to the gateway's
// own loopback socket, the same path the floor Worker is measured on, so the ratios compare
// like with like.
import { ROLE, type SimulatedPlatform } from "../../tests/support/lti-platform";

export interface LaunchedUser {
  sub: string;
  apiToken: string;
  isInstructor: boolean;
  /** The learning session the launch named; the page's signals open it (none with detection off). */
  sessionId?: string;
}

/** Each gateway's own launch URL, by origin: a run can start a second system on another port. */
const targetLinkUris = new Map<string, string>();

async function targetLinkUri(gateway: URL): Promise<string> {
  let uri = targetLinkUris.get(gateway.origin);
  if (uri === undefined) {
    const res = await fetch(new URL("/lti/config", gateway));
    uri = ((await res.json()) as { targetLinkUri: string }).targetLinkUri;
    targetLinkUris.set(gateway.origin, uri);
  }
  return uri;
}

export async function launch(
  gateway: URL,
  platform: SimulatedPlatform,
  user: { sub: string; name: string; instructor?: boolean },
): Promise<LaunchedUser> {
  const target = await targetLinkUri(gateway);
  const init = await fetch(new URL(`/lti/init?${new URLSearchParams(platform.loginParams(target))}`, gateway), {
    redirect: "manual",
  });
  await init.arrayBuffer();
  const location = init.headers.get("Location");
  if (init.status !== 302 || !location) throw new Error(`login initiation answered ${init.status}, no redirect`);
  if (!location.startsWith(platform.authorizationEndpoint)) {
    throw new Error(`login initiation redirected to ${location}, not the platform's authorization endpoint`);
  }
  const cookie = (init.headers.get("Set-Cookie") ?? "").split(";")[0] ?? "";
  const auth = platform.parseAuthRequest(location);
  const idToken = await platform.sign(
    platform.idTokenClaims({
      nonce: auth.nonce,
      targetLinkUri: target,
      user: { sub: user.sub, name: user.name, roles: [user.instructor ? ROLE.instructor : ROLE.learner] },
      context: { id: "bench-course", title: "Benchmarks 101", label: "BENCH" },
    }),
  );
  // The redirect_uri names the gateway's public origin; the request goes to its loopback socket.
  const launched = await fetch(new URL(new URL(auth.redirectUri).pathname, gateway), {
    method: "POST",
    headers: { "Content-Type": "application/x-www-form-urlencoded", Cookie: cookie },
    body: new URLSearchParams({ id_token: idToken, state: auth.state }).toString(),
  });
  const html = await launched.text();
  if (launched.status !== 200) throw new Error(`launch answered ${launched.status}: ${html.slice(0, 300)}`);
  const json = /<script type="application\/json" id="atomic-guide-launch">([^<]*)<\/script>/.exec(html)?.[1];
  if (!json) throw new Error("the launch page holds no launch JSON");
  const page = JSON.parse(json) as { apiToken?: string; sessionId?: string };
  if (!page.apiToken) throw new Error("the launch JSON has no apiToken");
  return {
    sub: user.sub,
    apiToken: page.apiToken,
    isInstructor: user.instructor ?? false,
    ...(page.sessionId ? { sessionId: page.sessionId } : {}),
  };
}
