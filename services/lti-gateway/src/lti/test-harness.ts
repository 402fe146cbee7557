// Test-only helpers shared by the LTI test files: a simulated Canvas and Moodle answering the
// gateway's outbound fetch, and a driver for login → launch. Not imported by the Worker.
import { env, exports } from "cloudflare:workers";
import { afterEach, beforeEach, vi } from "vitest";
import { type IdTokenOptions, platformFetch, SimulatedPlatform } from "../../../../tests/support/lti-platform";
import type { LaunchJson } from "./launch-page";

export const ORIGIN = "http://localhost";
export const TARGET = `${ORIGIN}/lti/launch`;
export const ADMIN = { Authorization: `Bearer ${env.ADMIN_TOKEN}` };

export async function gateway(path: string, init: RequestInit = {}): Promise<Response> {
  return exports.default.fetch(new Request(`${ORIGIN}${path}`, init));
}

export async function adminPost(path: string, body: unknown): Promise<Response> {
  return gateway(path, {
    method: "POST",
    headers: { ...ADMIN, "Content-Type": "application/json" },
    body: JSON.stringify(body),
  });
}

/** Simulated platforms reached through the Worker's global fetch (the outbound boundary). */
export function routeFetchTo(platforms: SimulatedPlatform[]): void {
  const real = globalThis.fetch.bind(globalThis);
  vi.spyOn(globalThis, "fetch").mockImplementation(platformFetch(platforms, real));
}

/** A Canvas-shaped simulated platform that is its own issuer, for a test file of its own. */
export const canvasAt = (origin: string, clientId: string) =>
  SimulatedPlatform.create({ shape: "canvas", origin, issuer: origin, clientId });

export async function registeredPlatforms() {
  const canvas = await SimulatedPlatform.create({ shape: "canvas", origin: "https://canvas.instructure.com" });
  const moodle = await SimulatedPlatform.create({ shape: "moodle", origin: "https://moodle.example.edu" });
  return { canvas, moodle };
}

/**
 * The LTI test files' setup, called at a file's top level: a simulated Canvas and Moodle, created
 * once for the file and registered afresh before each test (tenants example-university and
 * moodle-college) with the Worker's fetch routed to them; mocks are restored after each test.
 */
export async function canvasAndMoodleForEachTest() {
  const platforms = await registeredPlatforms();
  beforeEach(async () => {
    routeFetchTo([platforms.canvas, platforms.moodle]);
    await register(platforms.canvas, { tenantId: "example-university" });
    await register(platforms.moodle, { tenantId: "moodle-college" });
  });
  afterEach(() => vi.restoreAllMocks());
  return platforms;
}

export async function register(platform: SimulatedPlatform, extra: Record<string, unknown> = {}) {
  const res = await adminPost("/admin/platforms", platform.registrationBody(extra));
  if (res.status !== 201 && res.status !== 200)
    throw new Error(`registration failed: ${res.status} ${await res.text()}`);
  return (await res.json()) as { tenantId: string };
}

export interface LoginResult {
  response: Response;
  state: string;
  nonce: string;
  cookie: string;
  redirectUri: string;
  authUrl: URL;
}

export async function login(
  platform: SimulatedPlatform,
  opts: { extra?: Record<string, string>; method?: "GET" | "POST"; target?: string } = {},
): Promise<LoginResult> {
  const params = new URLSearchParams(platform.loginParams(opts.target ?? TARGET, opts.extra));
  const response =
    opts.method === "POST"
      ? await gateway("/lti/init", {
          method: "POST",
          headers: { "Content-Type": "application/x-www-form-urlencoded" },
          body: params.toString(),
          redirect: "manual",
        })
      : await gateway(`/lti/init?${params}`, { redirect: "manual" });
  const setCookie = response.headers.get("Set-Cookie") ?? "";
  const cookie = setCookie.split(";")[0] ?? "";
  let location = response.headers.get("Location") ?? "";
  if (!location && response.status === 200) {
    const html = await response.clone().text();
    const json = /<script type="application\/json" id="lti-storage-put">([^<]*)<\/script>/.exec(html)?.[1];
    if (json) location = (JSON.parse(json) as { authUrl: string }).authUrl;
  }
  if (!location) return { response, state: "", nonce: "", cookie, redirectUri: "", authUrl: new URL(ORIGIN) };
  const auth = platform.parseAuthRequest(location);
  return { response, state: auth.state, nonce: auth.nonce, cookie, redirectUri: auth.redirectUri, authUrl: auth.url };
}

export async function postLaunch(fields: Record<string, string>, cookie?: string): Promise<Response> {
  return gateway("/lti/launch", {
    method: "POST",
    headers: { "Content-Type": "application/x-www-form-urlencoded", ...(cookie ? { Cookie: cookie } : {}) },
    body: new URLSearchParams(fields).toString(),
  });
}

export interface LaunchOptions extends Partial<IdTokenOptions> {
  /** Edits the claims before signing. */
  mutate?: (claims: Record<string, unknown>) => void;
  header?: Record<string, unknown>;
  loginExtra?: Record<string, string>;
}

/** A whole launch: login, the platform signs an id_token for that login, the browser posts it. */
export async function launch(platform: SimulatedPlatform, opts: LaunchOptions = {}) {
  const l = await login(platform, { extra: opts.loginExtra ?? {} });
  const claims = platform.idTokenClaims({ targetLinkUri: TARGET, ...opts, nonce: opts.nonce ?? l.nonce });
  opts.mutate?.(claims);
  const idToken = await platform.sign(claims, opts.header ?? {});
  const response = await postLaunch({ id_token: idToken, state: l.state }, l.cookie);
  return { login: l, idToken, claims, response };
}

export async function launchJson(response: Response): Promise<LaunchJson> {
  const html = await response.text();
  const json = /<script type="application\/json" id="atomic-guide-launch">([^<]*)<\/script>/.exec(html)?.[1];
  if (!json) throw new Error(`no launch JSON in: ${html.slice(0, 500)}`);
  return JSON.parse(json) as LaunchJson;
}

export async function errorCode(response: Response): Promise<string | undefined> {
  const html = await response.clone().text();
  return /data-error-code="([^"]*)"/.exec(html)?.[1];
}

/** A claims edit for `mutate`: sets each key; an undefined value removes the claim. */
export const set =
  (changes: Record<string, unknown>) =>
  (claims: Record<string, unknown>): void => {
    for (const [key, value] of Object.entries(changes)) {
      if (value === undefined) delete claims[key];
      else claims[key] = value;
    }
  };
