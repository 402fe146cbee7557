#!/usr/bin/env node
// A local LMS for trying Atomic Guide without Canvas or Moodle. With the system up (`npm start`):
//
//   node scripts/lti-platform-simulator.mjs --role instructor          # one signed launch, summary printed
//   node scripts/lti-platform-simulator.mjs --role learner --shape moodle
//   node scripts/lti-platform-simulator.mjs --serve                     # keep running; open the printed URL
//
// It registers itself through POST /admin/platforms (ADMIN_TOKEN from the environment or
// services/lti-gateway/.dev.vars), serves its JWKS, OIDC authorization endpoint, token endpoint
// and Names and Roles roster on 127.0.0.1, and performs the real flow: /lti/init → the platform's
// authorization endpoint → a signed id_token form-posted to /lti/launch. Loopback platform URLs
// are accepted only because the local gateway runs with ENVIRONMENT=development.
import { readFileSync } from "node:fs";
import { createServer } from "node:http";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";

const [major = 0, minor = 0] = process.versions.node.split(".").map(Number);
if (major < 22 || (major === 22 && minor < 18)) {
  // The simulator is tests/support/lti-platform.ts, run directly through Node's type stripping.
  console.error(
    `Node ${process.versions.node} cannot run it; use \`npm run lti:launch -- --role instructor\` (Node 22.18+).`,
  );
  process.exit(1);
}
const root = join(dirname(fileURLToPath(import.meta.url)), "..");
// Not a turbo task: these only point a developer's one-off run at another gateway or token.
const { GATEWAY_URL, ADMIN_TOKEN } = process.env;
const { SimulatedPlatform, ROLE } = await import(join(root, "tests", "support", "lti-platform.ts"));

const { values: args } = parseArgs({
  options: {
    role: { type: "string", default: "learner" },
    shape: { type: "string", default: "canvas" },
    gateway: { type: "string", default: GATEWAY_URL ?? "http://localhost:8787" },
    port: { type: "string", default: "9001" },
    tenant: { type: "string", default: "simulated-university" },
    "deep-link": { type: "boolean", default: false },
    serve: { type: "boolean", default: false },
    help: { type: "boolean", short: "h", default: false },
  },
});

if (args.help) {
  console.log(`usage: lti-platform-simulator.mjs [--role learner|instructor|ta|unknown] [--shape canvas|moodle]
  [--deep-link] [--gateway http://localhost:8787] [--port 9001] [--tenant simulated-university] [--serve]`);
  process.exit(0);
}
if (!["canvas", "moodle"].includes(args.shape)) throw new Error("--shape must be canvas or moodle");

const ROLES = {
  learner: [ROLE.learner],
  instructor: [ROLE.instructor],
  ta: [ROLE.ta],
  unknown: ["http://example.com/roles#Wizard"],
};
if (!ROLES[args.role]) throw new Error(`--role must be one of ${Object.keys(ROLES).join(", ")}`);

function adminToken() {
  if (ADMIN_TOKEN) return ADMIN_TOKEN;
  try {
    const vars = readFileSync(join(root, "services", "lti-gateway", ".dev.vars"), "utf8");
    const line = vars.split("\n").find((l) => l.startsWith("ADMIN_TOKEN="));
    if (line) return line.slice("ADMIN_TOKEN=".length).trim().replace(/^"|"$/g, "");
  } catch {}
  throw new Error(
    "No ADMIN_TOKEN: run `npm start` once (it writes services/lti-gateway/.dev.vars) or export ADMIN_TOKEN.",
  );
}

const gateway = args.gateway.replace(/\/+$/, "");
const origin = `http://127.0.0.1:${args.port}`;
// Each shape gets its own issuer on loopback, so it never collides with a real registration.
const platform = await SimulatedPlatform.create({
  shape: args.shape,
  origin,
  issuer: args.shape === "canvas" ? `${origin}/canvas` : origin,
  clientId: args.shape === "canvas" ? "10000000000001" : "simulated-moodle-client",
});
platform.roster = [
  { user_id: "sim-learner-1", name: "Ada Lovelace", roles: [ROLE.learner], status: "Active" },
  { user_id: "sim-learner-2", name: "Alan Turing", roles: [ROLE.learner], status: "Active" },
  { user_id: "sim-instructor-1", name: "Grace Hopper", roles: [ROLE.instructor], status: "Active" },
];

const users = {
  learner: {
    sub: "sim-learner-1",
    name: "Ada Lovelace",
    given_name: "Ada",
    family_name: "Lovelace",
    email: "ada@example.edu",
  },
  instructor: {
    sub: "sim-instructor-1",
    name: "Grace Hopper",
    given_name: "Grace",
    family_name: "Hopper",
    email: "grace@example.edu",
  },
};
const userFor = (role) => ({
  ...(role === "instructor" || role === "ta" ? users.instructor : users.learner),
  roles: ROLES[role],
});

const escapeHtml = (s) =>
  String(s).replaceAll("&", "&amp;").replaceAll("<", "&lt;").replaceAll(">", "&gt;").replaceAll('"', "&quot;");

/** What the authorization endpoint does: sign an id_token for the login and form-post it back. */
async function authorize(url, role, deepLink) {
  const auth = platform.parseAuthRequest(url.toString());
  if (auth.clientId !== platform.clientId) throw new Error("client_id does not match");
  if (auth.redirectUri !== `${gateway}/lti/launch`) throw new Error(`unexpected redirect_uri ${auth.redirectUri}`);
  const claims = platform.idTokenClaims({
    nonce: auth.nonce,
    targetLinkUri: `${gateway}/lti/launch`,
    messageType: deepLink ? "LtiDeepLinkingRequest" : "LtiResourceLinkRequest",
    user: userFor(role),
    nrps: true,
    deepLinkReturnUrl: `${origin}/deep_linking_return`,
    deepLinkData: "simulator-dl-data",
  });
  return { idToken: await platform.sign(claims), state: auth.state, redirectUri: auth.redirectUri };
}

async function register() {
  const res = await fetch(`${gateway}/admin/platforms`, {
    method: "POST",
    headers: { Authorization: `Bearer ${adminToken()}`, "Content-Type": "application/json" },
    body: JSON.stringify(platform.registrationBody({ tenantId: args.tenant, name: `Simulated ${args.shape}` })),
  });
  if (!res.ok) throw new Error(`registration failed: ${res.status} ${await res.text()}`);
  return res.json();
}

function serve() {
  const server = createServer(async (req, res) => {
    try {
      const url = new URL(req.url ?? "/", origin);
      const chunks = [];
      for await (const chunk of req) chunks.push(chunk);
      const body = Buffer.concat(chunks);
      if (url.pathname === "/" || url.pathname === "/launch") {
        // Starts a browser launch: the LMS sends the browser to the tool's login URL.
        const role = url.searchParams.get("role") ?? args.role;
        const deepLink = url.searchParams.get("deep_link") === "1";
        const params = new URLSearchParams(
          platform.loginParams(`${gateway}/lti/launch`, {
            lti_message_hint: JSON.stringify({ role, deepLink }),
          }),
        );
        res.writeHead(302, { Location: `${gateway}/lti/init?${params}` }).end();
        return;
      }
      if (url.pathname === new URL(platform.authorizationEndpoint).pathname) {
        const hint = JSON.parse(url.searchParams.get("lti_message_hint") ?? "{}");
        const { idToken, state, redirectUri } = await authorize(url, hint.role ?? args.role, hint.deepLink === true);
        res
          .writeHead(200, { "Content-Type": "text/html; charset=utf-8" })
          .end(`<!doctype html><title>Simulated LMS</title>
<form id="f" method="post" action="${escapeHtml(redirectUri)}">
<input type="hidden" name="id_token" value="${escapeHtml(idToken)}"><input type="hidden" name="state" value="${escapeHtml(state)}">
<noscript><button>Continue</button></noscript></form><script>document.getElementById("f").submit()</script>`);
        return;
      }
      if (url.pathname === "/deep_linking_return") {
        const jwt = new URLSearchParams(body.toString()).get("JWT") ?? "";
        const jwks = await (await fetch(`${gateway}/.well-known/jwks.json`)).json();
        const { verifyRs256 } = await import(join(root, "tests", "support", "lti-platform.ts"));
        const claims = await verifyRs256(jwt, jwks);
        res
          .writeHead(200, { "Content-Type": "text/html; charset=utf-8" })
          .end(
            `<!doctype html><title>Deep link received</title><h1>Deep-linking response verified</h1><pre>${escapeHtml(JSON.stringify(claims, null, 2))}</pre>`,
          );
        return;
      }
      const answer = await platform.handle(
        new Request(url, { method: req.method, headers: req.headers, body: req.method === "GET" ? undefined : body }),
      );
      const out = answer ?? new Response("not found", { status: 404 });
      res.writeHead(out.status, Object.fromEntries(out.headers)).end(Buffer.from(await out.arrayBuffer()));
    } catch (e) {
      res.writeHead(500, { "Content-Type": "text/plain" }).end(String(e instanceof Error ? e.message : e));
    }
  });
  return new Promise((resolve) => server.listen(Number(args.port), "127.0.0.1", () => resolve(server)));
}

/** The whole flow from here, the way a browser would do it (cookie included). */
async function scriptedLaunch(role, deepLink) {
  const params = new URLSearchParams(platform.loginParams(`${gateway}/lti/launch`));
  const init = await fetch(`${gateway}/lti/init?${params}`, { redirect: "manual" });
  const location = init.headers.get("Location");
  if (init.status !== 302 || !location) throw new Error(`login failed: ${init.status} ${await init.text()}`);
  const cookie = (init.headers.get("Set-Cookie") ?? "").split(";")[0];
  const { idToken, state, redirectUri } = await authorize(new URL(location), role, deepLink);
  const launch = await fetch(redirectUri, {
    method: "POST",
    headers: { "Content-Type": "application/x-www-form-urlencoded", Cookie: cookie },
    body: new URLSearchParams({ id_token: idToken, state }),
  });
  const html = await launch.text();
  if (launch.status !== 200) {
    const code = /data-error-code="([^"]*)"/.exec(html)?.[1];
    throw new Error(`launch failed: ${launch.status} ${code ?? html.slice(0, 300)}`);
  }
  const json = /<script type="application\/json" id="atomic-guide-launch">([^<]*)<\/script>/.exec(html)?.[1];
  if (!json) throw new Error("the launch page has no launch JSON");
  return { launch: JSON.parse(json), html };
}

const server = await serve();
try {
  const registration = await register();
  console.log(
    `Registered ${args.shape}-shaped platform ${platform.issuer} (client ${platform.clientId}) for tenant ${registration.tenantId}.`,
  );
  const { launch } = await scriptedLaunch(args.role, args["deep-link"]);
  const view =
    launch.messageType === "LtiDeepLinkingRequest"
      ? "deep-linking picker"
      : launch.user.isInstructor
        ? "instructor view"
        : "learner view";
  console.log(`Launched as ${args.role}: ${view}, context ${launch.context.id}.`);
  console.log(JSON.stringify({ ...launch, apiToken: `${launch.apiToken.slice(0, 24)}…` }, null, 2));
  console.log(`\nAPI token (expires ${launch.expiresAt}):\n${launch.apiToken}\n`);
  console.log(
    `Try it:  curl -H "Authorization: Bearer ${launch.apiToken.slice(0, 12)}…" ${gateway}/api/learners/me/profile`,
  );
  console.log(
    `\nOpen in a browser for a real browser launch:\n  ${origin}/launch?role=${args.role}${args["deep-link"] ? "&deep_link=1" : ""}`,
  );
} catch (e) {
  console.error(e instanceof Error ? e.message : e);
  server.close();
  process.exit(1);
}
if (args.serve) {
  console.log(`\nSimulated LMS listening on ${origin} (Ctrl-C to stop).`);
} else {
  server.close();
}
