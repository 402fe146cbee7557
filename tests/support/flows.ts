// The system's users, scripted: a simulated LMS per tenant that registers itself through
// /admin/platforms and serves its JWKS, Names and Roles and token endpoints from a loopback HTTP
// server in this (Node) process, and a real LTI launch through /lti/init and /lti/launch. The
// integration suite and the benchmarks use these, so they exercise exactly what an LMS and a
// browser do. Node only (node:http): the gateway inside workerd reaches the simulator over
// loopback, which the gateway allows with local development settings.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { decodeJwtPart, ROLE, type RosterMember, SimulatedPlatform } from "./lti-platform";
import { type RunningSystem, TEST_ADMIN_TOKEN, TEST_SECRETS } from "./system";

export type LaunchRole = "learner" | "instructor";

export interface LaunchJson {
  apiToken: string;
  expiresAt: string;
  tenantId: string;
  launchId?: string;
  user: { name?: string; roles: string[]; isInstructor?: boolean };
  context: { id: string; title?: string };
  messageType: string;
  sessionId?: string;
}

export interface TenantPlatform {
  tenantId: string;
  platform: SimulatedPlatform;
  close(): Promise<void>;
}

export interface LaunchOptions {
  role: LaunchRole;
  /** The tenant (institution) to launch in; its platform is registered on first use. Default "uni-a". */
  tenant?: string;
  /** The LTI user id (`sub`); default one per role. */
  userId?: string;
  name?: string;
  /** The course; default the simulator's course. */
  contextId?: string;
  /**
   * Another platform (site) of the same tenant, registered on first use after the tenant's own:
   * the tenant's second, third… registration. Default: the tenant's first platform.
   */
  site?: string;
}

export interface Launched {
  apiToken: string;
  launchJson: LaunchJson;
  /** The platform-signed id_token that the launch posted (a credential the API must refuse). */
  idToken: string;
  tenant: TenantPlatform;
  /** The launch page as the browser received it. */
  html: string;
}

export const DEFAULT_TENANT = "uni-a";
export const DEFAULT_CONTEXT = "course-ae101";

const platforms = new WeakMap<RunningSystem, Map<string, Promise<TenantPlatform>>>();

export const bearer = (token: string): Record<string, string> => ({ Authorization: `Bearer ${token}` });
export const adminHeaders = {
  Authorization: `Bearer ${TEST_ADMIN_TOKEN}`,
  "Content-Type": "application/json",
};

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString("utf8");
}

/** Serves a simulated platform's HTTP endpoints on 127.0.0.1 (an OS-chosen port). */
export async function serve(handler: (request: Request) => Promise<Response | undefined>): Promise<Server> {
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    void (async () => {
      const host = req.headers.host ?? "127.0.0.1";
      const body = req.method === "GET" || req.method === "HEAD" ? undefined : await readBody(req);
      const headers = new Headers();
      for (const [k, value] of Object.entries(req.headers)) {
        if (typeof value === "string") headers.set(k, value);
      }
      const answer =
        (await handler(
          new Request(`http://${host}${req.url ?? "/"}`, { method: req.method ?? "GET", headers, body }),
        )) ?? new Response("not found", { status: 404 });
      const answerHeaders: Record<string, string> = {};
      answer.headers.forEach((value, key) => {
        answerHeaders[key] = value;
      });
      res.writeHead(answer.status, answerHeaders);
      res.end(Buffer.from(await answer.arrayBuffer()));
    })().catch(() => {
      res.writeHead(500);
      res.end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  // The suite's end must not wait for an idle simulator.
  server.unref();
  return server;
}

/**
 * The tenant's simulated LMS, registered with the gateway (tenant A is Moodle-shaped, any other
 * Canvas-shaped, so both token shapes cross the system). One per system and tenant.
 */
export function tenantPlatform(
  system: RunningSystem,
  tenantId: string = DEFAULT_TENANT,
  site?: string,
): Promise<TenantPlatform> {
  let byTenant = platforms.get(system);
  if (!byTenant) {
    byTenant = new Map();
    platforms.set(system, byTenant);
  }
  const key = site === undefined ? tenantId : `${tenantId}\n${site}`;
  let existing = byTenant.get(key);
  if (!existing) {
    existing =
      site === undefined
        ? startTenantPlatform(system, tenantId)
        : // The tenant's own platform first, so it is the tenant's primary registration.
          tenantPlatform(system, tenantId).then(() => startTenantPlatform(system, tenantId, site));
    byTenant.set(key, existing);
  }
  return existing;
}

async function startTenantPlatform(system: RunningSystem, tenantId: string, site?: string): Promise<TenantPlatform> {
  let platform: SimulatedPlatform | undefined;
  const server = await serve(async (request) => platform?.handle(request));
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  // A further site is a Moodle: its issuer is its own origin, so it is a registration of its own.
  const shape = tenantId === DEFAULT_TENANT || site !== undefined ? "moodle" : "canvas";
  platform = await SimulatedPlatform.create({
    shape,
    origin,
    // Canvas's real issuer is shared by every Canvas cloud customer; a distinct one per tenant
    // keeps two simulated institutions apart, as their distinct client ids would in real life.
    ...(shape === "canvas" ? { issuer: origin } : {}),
  });
  const res = await system.fetch("/admin/platforms", {
    method: "POST",
    headers: adminHeaders,
    body: JSON.stringify(
      platform.registrationBody({ tenantId, name: `Simulated ${shape} (${tenantId}${site ? `, ${site}` : ""})` }),
    ),
  });
  if (res.status !== 201 && res.status !== 200) {
    server.close();
    throw new Error(`registering ${tenantId}'s platform failed: ${res.status} ${await res.text()}`);
  }
  return {
    tenantId,
    platform,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** Closes every simulated platform started for this system. */
export async function closePlatforms(system: RunningSystem): Promise<void> {
  const byTenant = platforms.get(system);
  platforms.delete(system);
  if (!byTenant) return;
  await Promise.all([...byTenant.values()].map(async (p) => (await p).close()));
}

/** Every suite's teardown: its simulated platforms closed, then the system (if it started at all). */
export async function stopSystem(system: RunningSystem | undefined): Promise<void> {
  if (!system) return;
  await closePlatforms(system);
  await system.dispose();
}

/** The learners an instructor launch's Names and Roles roster lists. */
export function setRoster(tenant: TenantPlatform, members: RosterMember[]): void {
  tenant.platform.roster = members;
}

export function launchJsonFrom(html: string): LaunchJson {
  const json = /<script type="application\/json" id="atomic-guide-launch">([^<]*)<\/script>/.exec(html)?.[1];
  if (!json) throw new Error(`no #atomic-guide-launch JSON in the launch page: ${html.slice(0, 400)}`);
  return JSON.parse(json) as LaunchJson;
}

/**
 * A whole LTI 1.3 launch as the LMS and the browser do it: login initiation, the 302 to the
 * platform's authorization endpoint, an id_token the platform signs for that state and nonce,
 * and the browser's form post (with the state cookie) to /lti/launch.
 */
export async function launch(system: RunningSystem, options: LaunchOptions): Promise<Launched> {
  const tenant = await tenantPlatform(system, options.tenant ?? DEFAULT_TENANT, options.site);
  const { platform } = tenant;
  const config = (await (await system.fetch("/lti/config")).json()) as { targetLinkUri: string };
  const init = await system.fetch(`/lti/init?${new URLSearchParams(platform.loginParams(config.targetLinkUri))}`, {
    redirect: "manual",
  });
  const location = init.headers.get("Location");
  if (init.status !== 302 || !location) {
    throw new Error(`/lti/init answered ${init.status}: ${(await init.text()).slice(0, 400)}`);
  }
  const auth = platform.parseAuthRequest(location);
  if (!location.startsWith(platform.authorizationEndpoint)) {
    throw new Error(`/lti/init redirected to ${location}, not the platform's authorization endpoint`);
  }
  const cookie = (init.headers.get("Set-Cookie") ?? "").split(";")[0] ?? "";
  const instructor = options.role === "instructor";
  const claims = platform.idTokenClaims({
    nonce: auth.nonce,
    targetLinkUri: config.targetLinkUri,
    user: {
      sub: options.userId ?? (instructor ? "instructor-1" : "learner-1"),
      name: options.name ?? (instructor ? "Grace Hopper" : "Ada Lovelace"),
      roles: [instructor ? ROLE.instructor : ROLE.learner],
    },
    context: { id: options.contextId ?? DEFAULT_CONTEXT, title: "Analytical Engines 101", label: "AE101" },
    nrps: instructor,
  });
  const idToken = await platform.sign(claims);
  const res = await system.fetch(auth.redirectUri ? new URL(auth.redirectUri).pathname : "/lti/launch", {
    method: "POST",
    headers: { "Content-Type": "application/x-www-form-urlencoded", ...(cookie ? { Cookie: cookie } : {}) },
    body: new URLSearchParams({ id_token: idToken, state: auth.state }).toString(),
  });
  const html = await res.text();
  if (res.status !== 200) {
    const code = /data-error-code="([^"]*)"/.exec(html)?.[1];
    throw new Error(`/lti/launch answered ${res.status} (${code ?? "no code"}): ${html.slice(0, 400)}`);
  }
  const launchJson = launchJsonFrom(html);
  return { apiToken: launchJson.apiToken, launchJson, idToken, tenant, html };
}

const encoder = new TextEncoder();

/** The secret part of a `v<N>.<secret>` value: what the gateway feeds HKDF. */
const secretOf = (versioned: string) => versioned.slice(versioned.indexOf(".") + 1);

/**
 * Re-signs an API token's claims with the gateway's key as the docs describe it (HS256, HKDF
 * from the secret part of API_TOKEN_SECRET; the token's header, kid included, is kept), with
 * other times: how the tests make a genuine but expired token.
 */
export async function resignApiToken(
  token: string,
  edit: (claims: Record<string, unknown>) => void,
  /** Another installation's secret, for tokens this system never issued. */
  secret: string = secretOf(TEST_SECRETS.API_TOKEN_SECRET),
): Promise<string> {
  const [h, p] = token.split(".");
  if (!h || !p) throw new Error("not a JWT");
  const claims = decodeJwtPart(p);
  edit(claims);
  const ikm = await crypto.subtle.importKey("raw", encoder.encode(secret), "HKDF", false, ["deriveKey"]);
  const key = await crypto.subtle.deriveKey(
    {
      name: "HKDF",
      hash: "SHA-256",
      salt: encoder.encode("atomic-guide/lti-gateway"),
      info: encoder.encode("atomic-guide api-token hs256 v1"),
    },
    ikm,
    { name: "HMAC", hash: "SHA-256", length: 256 },
    false,
    ["sign"],
  );
  const payload = Buffer.from(JSON.stringify(claims)).toString("base64url");
  const signature = new Uint8Array(await crypto.subtle.sign("HMAC", key, encoder.encode(`${h}.${payload}`)));
  return `${h}.${payload}.${Buffer.from(signature).toString("base64url")}`;
}

/** Polls `read` until `done` holds (bounded), for effects that travel between services in the background. */
export async function eventually<T>(
  read: () => Promise<T>,
  done: (value: T) => boolean,
  opts: { attempts?: number; intervalMs?: number } = {},
): Promise<T> {
  const attempts = opts.attempts ?? 100;
  let last = await read();
  for (let i = 1; i < attempts && !done(last); i++) {
    await new Promise((resolve) => setTimeout(resolve, opts.intervalMs ?? 100));
    last = await read();
  }
  return last;
}

/** Calls /api with an API token; a JSON body is serialised. */
export function api(
  system: RunningSystem,
  token: string,
  path: string,
  init: { method?: string; body?: unknown; headers?: Record<string, string> } = {},
): Promise<Response> {
  return system.fetch(path, {
    method: init.method ?? (init.body === undefined ? "GET" : "POST"),
    headers: {
      ...bearer(token),
      ...(init.body === undefined ? {} : { "Content-Type": "application/json" }),
      ...init.headers,
    },
    ...(init.body === undefined ? {} : { body: JSON.stringify(init.body) }),
  });
}

export { openSocket, type Socket } from "./socket-client";

/** Server-sent events of a response body, parsed once the stream ends. */
export async function readSse(res: Response): Promise<{ event: string; data: string }[]> {
  const text = await res.text();
  const events: { event: string; data: string }[] = [];
  for (const block of text.split(/\r?\n\r?\n/)) {
    let event = "message";
    const data: string[] = [];
    for (const line of block.split(/\r?\n/)) {
      if (line.startsWith("event:")) event = line.slice(6).trim();
      else if (line.startsWith("data:")) data.push(line.slice(5).replace(/^ /, ""));
    }
    if (data.length > 0) events.push({ event, data: data.join("\n") });
  }
  return events;
}

/** Signals as a browser reports them, spaced `stepMs` apart and ending now. */
export function signalsEndingNow<T extends object>(signals: T[], stepMs = 500): (T & { at: string })[] {
  const end = Date.now();
  return signals.map((s, i) => ({ ...s, at: new Date(end - (signals.length - 1 - i) * stepMs).toISOString() }));
}

/** A burst that looks like a learner stuck on one question: answer changes, wrong attempts, a plea for help. */
export function stuckBurst(elementId: string) {
  return signalsEndingNow([
    { type: "answer_change", elementId },
    { type: "answer_change", elementId },
    { type: "answer_change", elementId },
    { type: "quiz_attempt", elementId, correct: false },
    { type: "quiz_attempt", elementId, correct: false },
    { type: "help_request", elementId },
    { type: "help_request", elementId },
  ]);
}
