// The "Launch against the reference tool" section of docs/benchmarks.md.
import type { LaunchComparison, Side } from "./launch-comparison";
import { PEER_PACKAGE } from "./peer-worker";

const f = (n: number | undefined, digits = 2) => (n === undefined || !Number.isFinite(n) ? "n/a" : n.toFixed(digits));
const times = (a: number | undefined, b: number | undefined) => (a && b ? `${(a / b).toFixed(2)}×` : "n/a");

/** What the peer's launch does not check that ours does, read from the package's source (3.3.2). */
const PEER_SKIPS = [
  "the id_token's audience: `jwtVerify` runs without an `audience`, so a token minted for another client id on the same issuer (Canvas cloud shares one) is accepted; ours requires the registered client id, refuses untrusted extra audiences and checks `azp`",
  "the registration by (issuer, client id) and the deployment: the platform is looked up by issuer alone and `deployment_id` only has to be present; ours resolves (issuer, client id) and requires a registered deployment, at login and at launch",
  "single use of the state: /lti/redirect reads the state without consuming it (only /lti/launch deletes it); ours consumes it atomically at the one launch request",
  "the browser binding: the state cookie is skipped whenever `lti_storage_target` is posted, and the redirect page always posts that field (the string `undefined` when the LMS sent none), so the cookie is never required; ours requires the cookie or the platform-storage round trip",
  "the nonce's presence (`validateNonce` accepts a token with no nonce), the token's age (no `iat` limit), and RS256-only with a `kid`; ours checks all three",
  "the resource-link checks: `validateIdTokenContents` computes target link URI and `resource_link.id` errors and drops them (`errors.concat` result unused); the version only has to start with `1.3`; claims are not shape-checked; ours validates them with valibot and requires `1.3.0`",
  "the login parameters: `target_link_uri` is not checked to be the tool's own and `client_id` is taken from the request unchecked; ours checks both and bounds every parameter's length",
];

export function launchComparisonSection(c: LaunchComparison | undefined): string {
  if (!c) return "";
  const arm = (side: Side, concurrency: number) => c.arms.find((a) => a.side === side && a.concurrency === concurrency);
  const label = (side: Side) =>
    side === "ours"
      ? "our launch (lti-gateway)"
      : side === "peer"
        ? `peer launch (${PEER_PACKAGE})`
        : "peer launch reduced to two requests";
  const table = [
    "| launch | in flight | launches | launches/s | p50 ms | p95 ms | p99 ms | workerd CPU ms/launch (upper bound) | errors |",
    "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ...c.arms.map(
      ({ side, concurrency, result: r }) =>
        `| ${label(side)} | ${concurrency} | ${r.requests} | ${f(r.rps, 1)} | ${f(r.p50)} | ${f(r.p95)} | ${f(r.p99)} | ${f(r.cpuMsPerRequest, 3)} | ${r.errors} |`,
    ),
  ];
  const o8 = arm("ours", 8)?.result;
  const p8 = arm("peer", 8)?.result;
  const o1 = arm("ours", 1)?.result;
  const p1 = arm("peer", 1)?.result;
  const d8 = arm("peer-direct", 8)?.result;
  const op = c.profiles.ours;
  const pp = c.profiles.peer;
  const jsLine =
    op && pp
      ? `JS CPU per launch from the profiler (summed over the Workers it touches, p50 / mean): ours ${f(op.sumP50Ms)} / ${f(op.sumMeanMs)} ms (${op.workers
          .filter((w) => w.meanMs >= 0.005)
          .map((w) => `${w.worker} ${f(w.p50Ms)}`)
          .join(
            ", ",
          )}), peer ${f(pp.sumP50Ms)} / ${f(pp.sumMeanMs)} ms; ours / peer ${times(op.sumP50Ms, pp.sumP50Ms)} at p50.`
      : "JS CPU per launch from the profiler: not measured in this run (`--no-profile`).";
  const peerDeps = pp?.workers[0]?.byPackageMs
    .slice(0, 5)
    .map(([pkg, ms]) => `${pkg} ${f(ms)}`)
    .join(", ");
  return `
## Launch against the reference tool (${PEER_PACKAGE})

The tool institutions run today, atomicjolt-com/atomic-lti-worker, is a Hono Worker over the
published \`${PEER_PACKAGE}\`. \`bench/peer\` is that app's launch: the package's handlers routed as
its \`src/index.ts\` routes them (POST /lti/init, /lti/redirect, /lti/launch; its etag middleware
and x-frame-options header; its tool JWT signed as its \`src/tool_jwt.ts\` does), with the KV
namespaces (KEY_SETS, REMOTE_JWKS, CLIENT_AUTH_TOKENS, PLATFORMS) and the OIDC state Durable
Object of its wrangler.jsonc, its compatibility date and no minification. wrangler bundles it and
it runs in the same workerd as our four Workers. The same simulated LMS is registered with it the
way the package reads a platform (its OpenID configuration under the issuer in PLATFORMS).

One peer launch is three requests to the tool, as a browser makes them: the LMS's login form POST
to /lti/init (302 to the platform; the bench holds the tool's year-long storage cookie, as a
browser that launched before does; a first-time browser gets a page whose script navigates to the
same URL), the platform's id_token form-posted to /lti/redirect (verified; the answer is a page
whose script submits a form), and that form's POST to /lti/launch, which the bench reads from the
page and sends (verified again, state deleted, tool JWT signed with RS256). Ours is two requests
(login initiation, launch). A third row, at 8 in flight, reduces the peer's launch to the same
two requests, as if the platform's redirect_uri were /lti/launch (the id_token posted straight
there; /lti/redirect, its page and its first verification skipped). Both sides sign their id_tokens with the same simulator in the bench
process (in the latency, not in workerd's CPU).

${c.rounds} alternating rounds (ours then the peer's, the order flipped each round), at 1 and 8
launches in flight, after a warm-up of each side; figures are over all rounds. The workerd CPU
column is the whole process over the launches (upper bound, local simulators included).

${table.join("\n")}

- At 8 in flight our launch runs at **${times(o8?.rps, p8?.rps)}** the peer's throughput (${times(o1?.rps, p1?.rps)} one at a time) and spends **${times(o8?.cpuMsPerRequest, p8?.cpuMsPerRequest)}** its workerd CPU per launch (${times(o1?.cpuMsPerRequest, p1?.cpuMsPerRequest)} one at a time). Issue 18 aims at ≥ 2× the throughput and ≤ 0.5× the CPU at 8 in flight. Against the peer reduced to two requests (8 in flight): ${times(o8?.rps, d8?.rps)} the throughput, ${times(o8?.cpuMsPerRequest, d8?.cpuMsPerRequest)} the CPU.
- ${jsLine}${peerDeps ? ` The peer's JS CPU by package (mean ms per launch): ${peerDeps}.` : ""}

Checks our launch makes that the peer's does not (read from the package's source, 3.3.2):

${PEER_SKIPS.map((s) => `- ${s}`).join("\n")}

This section took ${c.seconds.toFixed(0)} s of the run.
`;
}
