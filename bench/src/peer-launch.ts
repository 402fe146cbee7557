// One launch of the reference tool (bench/peer) as a browser and the LMS make it, over the peer's
// own loopback socket, with the same simulated LMS as our launch (src/launch.ts):
//   1. the LMS's login initiation, a form POST to /lti/init: the state goes into the OIDC state
//      Durable Object and the answer is a 302 to the platform. A browser that has launched the tool
//      before holds its year-long storage cookie and gets that 302; a first-time browser gets an
//      HTML page whose script (lti-client's InitOIDCLaunch) checks cookies and navigates to the same
//      URL. The bench sends the cookie, so the flow is plain HTTP with the same server work.
//   2. the platform's signed id_token, form-posted to the redirect_uri, /lti/redirect: verified
//      (JWKS, signature, state, nonce) and answered with an HTML page whose script submits a form;
//   3. that form, posted to the target link URI, /lti/launch: verified a second time, state
//      deleted, tool JWT signed (RS256), launch page rendered.
// Three HTTP requests to the tool per launch (ours makes two); step 3 is the POST the page of
// step 2 would make, its action and hidden fields read from the page.
import { ROLE, type SimulatedPlatform } from "../../tests/support/lti-platform";

const form = (fields: Record<string, string>, cookie: string): RequestInit => ({
  method: "POST",
  redirect: "manual",
  headers: { "Content-Type": "application/x-www-form-urlencoded", Cookie: cookie },
  body: new URLSearchParams(fields).toString(),
});

/** `name=value` pairs of the Set-Cookie headers, joined for a Cookie header. */
const cookiesOf = (res: Response) =>
  res.headers
    .getSetCookie()
    .map((c) => c.split(";")[0])
    .join("; ");

/** The hidden form the redirect page submits: its action and fields. */
export function redirectForm(html: string): { action: string; fields: Record<string, string> } {
  const action = /<form action="([^"]*)" method="POST">/.exec(html)?.[1];
  if (!action) throw new Error(`the redirect page has no form: ${html.slice(0, 300)}`);
  const fields: Record<string, string> = {};
  for (const m of html.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)" \/>/g)) fields[m[1]!] = m[2]!;
  return { action, fields };
}

/**
 * `direct`: the launch reduced to our two requests, as if the platform's redirect_uri were
 * /lti/launch: the id_token goes straight there and /lti/redirect and its page are skipped.
 */
export async function peerLaunch(
  peer: URL,
  platform: SimulatedPlatform,
  user: { sub: string; name: string },
  direct = false,
): Promise<void> {
  const target = new URL("/lti/launch", peer).toString();
  const storageCookie = "open_id_storage=1";
  const init = await fetch(new URL("/lti/init", peer), form(platform.loginParams(target), storageCookie));
  await init.arrayBuffer();
  const location = init.headers.get("Location");
  if (init.status !== 302 || !location?.startsWith(platform.authorizationEndpoint)) {
    throw new Error(`peer login initiation answered ${init.status}, Location ${location}`);
  }
  const cookie = `${storageCookie}; ${cookiesOf(init)}`;
  const auth = platform.parseAuthRequest(location);
  const idToken = await platform.sign(
    platform.idTokenClaims({
      nonce: auth.nonce,
      targetLinkUri: target,
      user: { sub: user.sub, name: user.name, roles: [ROLE.learner] },
      context: { id: "bench-course", title: "Benchmarks 101", label: "BENCH" },
    }),
  );
  if (direct) return finishLaunch(peer, target, { id_token: idToken, state: auth.state }, cookie);
  // The redirect_uri names https://<host>/lti/redirect; the request goes to the peer's loopback socket.
  const redirected = await fetch(
    new URL(new URL(auth.redirectUri).pathname, peer),
    form({ id_token: idToken, state: auth.state }, cookie),
  );
  const page = await redirected.text();
  if (redirected.status !== 200) throw new Error(`peer redirect answered ${redirected.status}: ${page.slice(0, 300)}`);
  const next = redirectForm(page);
  await finishLaunch(peer, next.action, next.fields, cookie);
}

async function finishLaunch(peer: URL, action: string, fields: Record<string, string>, cookie: string) {
  const launched = await fetch(new URL(new URL(action).pathname, peer), form(fields, cookie));
  const html = await launched.text();
  if (launched.status !== 200 || !html.includes('<div id="main-content">')) {
    throw new Error(`peer launch answered ${launched.status}: ${html.slice(0, 300)}`);
  }
}
