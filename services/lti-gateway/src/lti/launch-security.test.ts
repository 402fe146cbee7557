// Issue 13, launch side: login CSRF through platform storage (2), KV write limits on the JWKS
// cache and deployment adoption (7), platform JWKS resilience (8), reflected error text (11).
import { env } from "cloudflare:workers";
import { afterEach, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import type { SimulatedPlatform } from "../../../../tests/support/lti-platform";
import { forgetHeldJwks, jwksCacheKey } from "./platform-jwks";
import { getRegistration } from "./registry";
import {
  canvasAt,
  errorCode,
  gateway,
  launch,
  launchJson,
  login,
  postLaunch,
  register,
  routeFetchTo,
  TARGET,
} from "./test-harness";

let canvas: SimulatedPlatform;

beforeAll(async () => {
  canvas = await canvasAt("https://canvas.sec.edu", "30000000000001");
});
beforeEach(async () => {
  routeFetchTo([canvas]);
  await register(canvas, { tenantId: "sec-edu" });
});
afterEach(() => vi.restoreAllMocks());

const STORAGE = { lti_storage_target: "post_message_forwarding" };

async function proofPage() {
  const l = await login(canvas, { extra: STORAGE });
  const token = await canvas.sign(canvas.idTokenClaims({ nonce: l.nonce, targetLinkUri: TARGET }));
  const res = await postLaunch({ id_token: token, state: l.state, ...STORAGE });
  const raw = /<script type="application\/json" id="lti-storage-get">([^<]*)<\/script>/.exec(await res.text())?.[1];
  const cfg = JSON.parse(raw ?? "{}") as { verification: string };
  return { state: l.state, verification: cfg.verification, res };
}

const verify = (fields: Record<string, string>, site: string | undefined) =>
  gateway("/lti/launch/verify", {
    method: "POST",
    headers: {
      "Content-Type": "application/x-www-form-urlencoded",
      ...(site ? { "Sec-Fetch-Site": site } : {}),
    },
    body: new URLSearchParams(fields).toString(),
  });

describe("platform-storage proof (finding 2)", () => {
  it("refuses a cross-site (or unlabelled) post of values copied from another browser's proof page", async () => {
    const attacker = await proofPage();
    const cross = await verify({ verification: attacker.verification, state: attacker.state }, "cross-site");
    expect(cross.status).toBe(401);
    expect(await errorCode(cross)).toBe("cross_site_verification");
    const unlabelled = await verify({ verification: attacker.verification, state: attacker.state }, undefined);
    expect(unlabelled.status).toBe(401);
    // The refused posts did not spend the proof: the page's own same-origin post still works.
    const own = await verify({ verification: attacker.verification, state: attacker.state }, "same-origin");
    expect((await launchJson(own)).tenantId).toBe("sec-edu");
  });

  it("login and proof pages may be framed only by the platform", async () => {
    const l = await login(canvas, { extra: STORAGE });
    expect(l.response.headers.get("Content-Security-Policy")).toContain(`frame-ancestors 'self' ${canvas.origin}`);
    const { res } = await proofPage();
    const csp = res.headers.get("Content-Security-Policy") ?? "";
    expect(csp).toMatch(/frame-ancestors 'self' https:\/\/canvas\.sec\.edu(\s|;|$)/);
    expect(csp).not.toContain("*");
  });
});

describe("reflected error text (finding 11)", () => {
  it("shows a fixed message for the platform's error and never its error_description", async () => {
    const res = await postLaunch({ error: "<b>pwned</b>", error_description: "Call 555-SCAM for help" });
    expect(res.status).toBe(400);
    expect(await errorCode(res)).toBe("platform_error");
    const html = await res.text();
    expect(html).not.toContain("555-SCAM");
    expect(html).not.toContain("pwned");
    expect(res.headers.get("Content-Security-Policy")).toContain("frame-ancestors 'self'");

    const known = await postLaunch({ error: "login_required", error_description: "Visit evil.example" });
    const knownHtml = await known.text();
    expect(knownHtml).toContain("You are not logged in to the platform.");
    expect(knownHtml).not.toContain("evil.example");
  });

  it("an error page for a known login may be framed by that platform only", async () => {
    const l = await login(canvas);
    const res = await postLaunch({ error: "access_denied", state: l.state }, l.cookie);
    expect(res.headers.get("Content-Security-Policy")).toContain(`frame-ancestors 'self' ${canvas.origin}`);
  });
});

describe("KV write limits never surface as 5xx (finding 7)", () => {
  it("a refused JWKS cache write and a refused deployment adoption still launch", async () => {
    await register(canvas, { tenantId: "sec-edu", deploymentIds: [] });
    await env.PLATFORMS.delete(await jwksCacheKey(canvas.jwksUri));
    const realPut = env.PLATFORMS.put.bind(env.PLATFORMS);
    vi.spyOn(env.PLATFORMS, "put").mockImplementation(async (key, value, opts) => {
      if (key.startsWith("jwks:") || key.startsWith("registration:")) {
        throw new Error("KV PUT failed: 429 Too Many Requests");
      }
      return realPut(key, value as string, opts);
    });
    const { response } = await launch(canvas);
    expect(response.status).toBe(200);
    expect((await launchJson(response)).tenantId).toBe("sec-edu");
  });
});

describe("platform JWKS resilience (finding 8)", () => {
  it("serves the stale copy when the platform is down, and does not retry within the cooldown", async () => {
    const key = await jwksCacheKey(canvas.jwksUri);
    // A copy past its max-age, as KV keeps it for the stale window.
    await env.PLATFORMS.put(
      key,
      JSON.stringify({ jwks: canvas.jwks(), fetchedAt: Date.now() - 900_000, maxAgeMs: 300_000 }),
    );
    forgetHeldJwks();
    vi.restoreAllMocks();
    let jwksFetches = 0;
    const real = globalThis.fetch.bind(globalThis);
    vi.spyOn(globalThis, "fetch").mockImplementation(async (input, init) => {
      const url = new Request(input, init).url;
      if (url === canvas.jwksUri) {
        jwksFetches++;
        return new Response("down", { status: 503 });
      }
      return (await canvas.handle(new Request(input, init))) ?? real(input, init);
    });
    const { response } = await launch(canvas);
    expect(response.status).toBe(200);
    expect(jwksFetches).toBe(1);
    // Within the failure cooldown no launch goes back to the platform.
    expect((await launch(canvas)).response.status).toBe(200);
    expect(jwksFetches).toBe(1);
    expect((await getRegistration(env, canvas.issuer, canvas.clientId))?.status).toBe("active");
  });
});
