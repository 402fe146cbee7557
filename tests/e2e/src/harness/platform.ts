import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { TEST_ADMIN_TOKEN } from "@atomic-guide/testing/system";

// The simulator is written against the Workers' fetch types, which clash with the DOM types
// this browser-driving package needs; it is loaded by path and used through the part we call.
const SIMULATOR = new URL("../../../support/lti-platform.ts", import.meta.url).href;

interface SimulatedPlatform {
  readonly origin: string;
  handle(request: Request): Promise<Response | undefined>;
  registrationBody(extra?: Record<string, unknown>): Record<string, unknown>;
  loginParams(targetLinkUri: string): Record<string, string>;
  parseAuthRequest(location: string): { state: string; nonce: string; redirectUri: string };
  idTokenClaims(opts: {
    nonce: string;
    targetLinkUri: string;
    user?: { sub?: string; name?: string; roles?: string[] };
    context?: { id: string; title?: string; label?: string };
  }): Record<string, unknown>;
  sign(claims: Record<string, unknown>): Promise<string>;
}
interface SimulatorModule {
  ROLE: { instructor: string; learner: string };
  SimulatedPlatform: { create(opts: { shape: "canvas" | "moodle"; origin: string }): Promise<SimulatedPlatform> };
}

/**
 * The simulated Moodle from testing/lti-platform.ts on a real loopback port, so the gateway
 * fetches its JWKS over HTTP exactly as from a real LMS (local settings allow loopback).
 */
export interface RunningPlatform {
  platform: SimulatedPlatform;
  roles: SimulatorModule["ROLE"];
  close(): Promise<void>;
}

export async function startPlatform(): Promise<RunningPlatform> {
  const simulator = (await import(SIMULATOR)) as SimulatorModule;
  let platform: SimulatedPlatform | undefined;
  const server: Server = createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const body = chunks.length ? Buffer.concat(chunks) : undefined;
    const request = new Request(`${platform?.origin}${req.url}`, {
      method: req.method ?? "GET",
      headers: Object.entries(req.headers).flatMap(([k, val]) =>
        typeof val === "string" ? [[k, val] as [string, string]] : [],
      ),
      ...(body && req.method !== "GET" && req.method !== "HEAD" ? { body } : {}),
    });
    const answer = (await platform?.handle(request)) ?? new Response("not found", { status: 404 });
    res.writeHead(answer.status, Object.fromEntries(answer.headers));
    res.end(Buffer.from(await answer.arrayBuffer()));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  platform = await simulator.SimulatedPlatform.create({ shape: "moodle", origin: `http://127.0.0.1:${port}` });
  return {
    platform,
    roles: simulator.ROLE,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

export interface LaunchedPage {
  html: string;
  headers: Record<string, string>;
  launch: Record<string, unknown>;
}

export type LaunchRole = "learner" | "instructor";

/**
 * A real LTI 1.3 launch against the gateway at `gatewayUrl`: register the platform, OIDC login
 * initiation, the platform's signed id_token, and the POST to /lti/launch. Returns the app page.
 */
export async function realLaunch(
  gatewayUrl: string,
  running: RunningPlatform,
  role: LaunchRole,
  who: { sub: string; name: string },
): Promise<LaunchedPage> {
  const { platform, roles } = running;
  const reg = await fetch(`${gatewayUrl}/admin/platforms`, {
    method: "POST",
    headers: { Authorization: `Bearer ${TEST_ADMIN_TOKEN}`, "Content-Type": "application/json" },
    body: JSON.stringify(platform.registrationBody({ tenantId: "e2e-university" })),
  });
  if (reg.status !== 201 && reg.status !== 200)
    throw new Error(`platform registration failed: ${reg.status} ${await reg.text()}`);
  const config = (await (await fetch(`${gatewayUrl}/lti/config`)).json()) as { targetLinkUri: string };
  const init = await fetch(
    `${gatewayUrl}/lti/init?${new URLSearchParams(platform.loginParams(config.targetLinkUri))}`,
    { redirect: "manual" },
  );
  const location = init.headers.get("Location");
  if (!location) throw new Error(`login initiation did not redirect: ${init.status} ${await init.text()}`);
  const cookie = (init.headers.get("Set-Cookie") ?? "").split(";")[0] ?? "";
  const auth = platform.parseAuthRequest(location);
  const idToken = await platform.sign(
    platform.idTokenClaims({
      nonce: auth.nonce,
      targetLinkUri: config.targetLinkUri,
      user: { sub: who.sub, name: who.name, roles: [role === "instructor" ? roles.instructor : roles.learner] },
      context: { id: "course-101", title: "Algebra I", label: "ALG1" },
    }),
  );
  const launched = await fetch(auth.redirectUri, {
    method: "POST",
    headers: { "Content-Type": "application/x-www-form-urlencoded", Cookie: cookie },
    body: new URLSearchParams({ id_token: idToken, state: auth.state }).toString(),
  });
  const html = await launched.text();
  if (launched.status !== 200) throw new Error(`launch failed: ${launched.status} ${html.slice(0, 500)}`);
  const json = /<script type="application\/json" id="atomic-guide-launch">([^<]*)<\/script>/.exec(html)?.[1];
  if (!json) throw new Error("the launch page holds no launch JSON");
  return { html, headers: Object.fromEntries(launched.headers), launch: JSON.parse(json) as Record<string, unknown> };
}
