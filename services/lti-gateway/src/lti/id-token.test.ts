// The certification "bad payload" scenarios [Cert §6.1] and the security cases beyond them
// (docs/lti.md, "What the tool checks on every launch"), each asserting its own rejection code and status.
import { env } from "cloudflare:workers";
import { describe, expect, it, vi } from "vitest";
import { generateSigningKey, signHs256, signJwt } from "../../../../tests/support/lti-platform";
import { forgetHeldJwks, jwksCacheKey } from "./platform-jwks";
import {
  canvasAndMoodleForEachTest,
  errorCode,
  launch,
  login,
  postLaunch,
  register,
  set,
  TARGET,
} from "./test-harness";

const LTI = "https://purl.imsglobal.org/spec/lti/claim/";
const { canvas, moodle } = await canvasAndMoodleForEachTest();

async function expectRejected(response: Response, status: number, code: string) {
  expect({ status: response.status, code: await errorCode(response) }).toEqual({ status, code });
  expect(await response.text()).not.toContain("atomic-guide-launch");
}

const drop = (claim: string) => (c: Record<string, unknown>) => {
  delete c[claim];
};

describe("certification: bad payloads", () => {
  it("No KID Sent", async () => {
    const { response } = await launch(canvas, { header: { kid: undefined } });
    await expectRejected(response, 401, "missing_kid");
  });

  it("Incorrect KID (refetches the JWKS once, then fails)", async () => {
    const before = canvas.requests.filter((r) => r.url === canvas.jwksUri).length;
    const { response } = await launch(canvas, { header: { kid: "not-a-published-kid" } });
    await expectRejected(response, 401, "unknown_kid");
    const after = canvas.requests.filter((r) => r.url === canvas.jwksUri).length;
    expect(after - before).toBeLessThanOrEqual(1);
  });

  it("Wrong LTI Version", async () => {
    const { response } = await launch(canvas, { mutate: set({ [`${LTI}version`]: "1.2.0" }) });
    await expectRejected(response, 400, "wrong_lti_version");
  });

  it("No LTI Version", async () => {
    const { response } = await launch(canvas, { mutate: drop(`${LTI}version`) });
    await expectRejected(response, 400, "missing_lti_version");
  });

  it("Invalid LTI message (not a JWT)", async () => {
    const l = await login(canvas);
    const res = await postLaunch({ id_token: "this-is-not-a-jwt", state: l.state }, l.cookie);
    await expectRejected(res, 400, "malformed_token");
  });

  it("Invalid LTI message (payload is not JSON)", async () => {
    const l = await login(canvas);
    const key = canvas.currentKey;
    const h = btoa(JSON.stringify({ alg: "RS256", kid: key.kid }))
      .replaceAll("=", "")
      .replaceAll("+", "-")
      .replaceAll("/", "_");
    const p = btoa("not json").replaceAll("=", "");
    const sig = new Uint8Array(
      await crypto.subtle.sign("RSASSA-PKCS1-v1_5", key.privateKey, new TextEncoder().encode(`${h}.${p}`)),
    );
    const token = `${h}.${p}.${btoa(String.fromCharCode(...sig))
      .replaceAll("=", "")
      .replaceAll("+", "-")
      .replaceAll("/", "_")}`;
    const res = await postLaunch({ id_token: token, state: l.state }, l.cookie);
    await expectRejected(res, 400, "malformed_token");
  });

  it("Invalid LTI message (oversized token)", async () => {
    const { response } = await launch(canvas, { mutate: set({ padding: "x".repeat(40_000) }) });
    await expectRejected(response, 400, "token_too_large");
  });

  it("Missing LTI Claims (message type, deployment, roles, resource link, sub)", async () => {
    await expectRejected(
      (await launch(canvas, { mutate: drop(`${LTI}message_type`) })).response,
      400,
      "missing_message_type",
    );
    await expectRejected(
      (await launch(moodle, { mutate: drop(`${LTI}deployment_id`) })).response,
      400,
      "missing_deployment_id",
    );
    await expectRejected((await launch(canvas, { mutate: drop(`${LTI}roles`) })).response, 400, "missing_roles");
    await expectRejected(
      (await launch(canvas, { mutate: drop(`${LTI}resource_link`) })).response,
      400,
      "missing_resource_link",
    );
    await expectRejected(
      (await launch(canvas, { mutate: set({ [`${LTI}resource_link`]: { title: "no id" } }) })).response,
      400,
      "missing_resource_link",
    );
    await expectRejected((await launch(canvas, { mutate: drop("sub") })).response, 400, "missing_sub");
  });

  it("unsupported message type", async () => {
    const { response } = await launch(canvas, { mutate: set({ [`${LTI}message_type`]: "LtiStartProctoring" }) });
    await expectRejected(response, 400, "unsupported_message_type");
  });

  it("Timestamps Incorrect: expired, issued in the future, too old, not yet valid, missing", async () => {
    const now = Math.floor(Date.now() / 1000);
    await expectRejected((await launch(canvas, { mutate: set({ exp: now - 600 }) })).response, 401, "token_expired");
    await expectRejected(
      (await launch(canvas, { mutate: set({ iat: now + 3600, exp: now + 7200 }) })).response,
      401,
      "token_issued_in_future",
    );
    await expectRejected((await launch(canvas, { mutate: set({ iat: now - 3000 }) })).response, 401, "token_too_old");
    await expectRejected(
      (await launch(canvas, { mutate: set({ nbf: now + 3600 }) })).response,
      401,
      "token_not_yet_valid",
    );
    await expectRejected((await launch(canvas, { mutate: drop("iat") })).response, 401, "invalid_timestamps");
  });

  it("tolerates clock skew within the leeway", async () => {
    const now = Math.floor(Date.now() / 1000);
    const { response } = await launch(canvas, { mutate: set({ iat: now + 60, exp: now - 30 }) });
    expect(response.status).toBe(200);
  });
});

describe("security checks beyond the certification suite", () => {
  it("wrong audience", async () => {
    const { response } = await launch(canvas, { mutate: set({ aud: "someone-else", azp: undefined }) });
    await expectRejected(response, 401, "wrong_audience");
  });

  it("an extra untrusted audience", async () => {
    const { response } = await launch(canvas, { mutate: set({ aud: [canvas.clientId, "another-tool"] }) });
    await expectRejected(response, 401, "untrusted_audience");
  });

  it("an audience array with only us is fine", async () => {
    const { response } = await launch(canvas, { mutate: set({ aud: [canvas.clientId] }) });
    expect(response.status).toBe(200);
  });

  it("azp that is not our client id", async () => {
    const { response } = await launch(canvas, { mutate: set({ azp: "another-tool" }) });
    await expectRejected(response, 401, "wrong_azp");
  });

  it("wrong issuer (case-sensitive)", async () => {
    const { response } = await launch(canvas, { mutate: set({ iss: "https://Canvas.instructure.com" }) });
    await expectRejected(response, 401, "wrong_issuer");
  });

  it.each([["none"], ["PS256"], ["RS512"], ["ES256"]])("alg %s", async (alg) => {
    const { response } = await launch(canvas, { header: { alg } });
    await expectRejected(response, 401, "unsupported_alg");
  });

  it("alg none with an empty signature", async () => {
    const l = await login(canvas);
    const claims = canvas.idTokenClaims({ nonce: l.nonce, targetLinkUri: TARGET });
    const enc = (o: unknown) => btoa(JSON.stringify(o)).replaceAll("=", "").replaceAll("+", "-").replaceAll("/", "_");
    const res = await postLaunch(
      { id_token: `${enc({ alg: "none", kid: canvas.currentKey.kid })}.${enc(claims)}.`, state: l.state },
      l.cookie,
    );
    await expectRejected(res, 401, "unsupported_alg");
  });

  it("HS256 signed with the platform's public modulus as the secret", async () => {
    const l = await login(canvas);
    const claims = canvas.idTokenClaims({ nonce: l.nonce, targetLinkUri: TARGET });
    const token = await signHs256(
      { alg: "HS256", kid: canvas.currentKey.kid },
      claims,
      String(canvas.currentKey.publicJwk.n),
    );
    const res = await postLaunch({ id_token: token, state: l.state }, l.cookie);
    await expectRejected(res, 401, "unsupported_alg");
  });

  it("a forged signature (right kid, another key)", async () => {
    const l = await login(canvas);
    const attacker = await generateSigningKey();
    const claims = canvas.idTokenClaims({ nonce: l.nonce, targetLinkUri: TARGET });
    const token = await signJwt({ alg: "RS256", kid: canvas.currentKey.kid }, claims, attacker.privateKey);
    const res = await postLaunch({ id_token: token, state: l.state }, l.cookie);
    await expectRejected(res, 401, "invalid_signature");
  });

  it("a foreign kid with the right iss (a key Moodle publishes, used for a Canvas login)", async () => {
    const l = await login(canvas);
    const claims = canvas.idTokenClaims({ nonce: l.nonce, targetLinkUri: TARGET });
    const token = await signJwt({ alg: "RS256", kid: moodle.currentKey.kid }, claims, moodle.currentKey.privateKey);
    const res = await postLaunch({ id_token: token, state: l.state }, l.cookie);
    await expectRejected(res, 401, "unknown_kid");
  });

  it("a token from another platform posted against this platform's state", async () => {
    const l = await login(canvas);
    const claims = moodle.idTokenClaims({ nonce: l.nonce, targetLinkUri: TARGET });
    const res = await postLaunch({ id_token: await moodle.sign(claims), state: l.state }, l.cookie);
    await expectRejected(res, 401, "unknown_kid");
  });

  it("target_link_uri different from the login's", async () => {
    const { response } = await launch(canvas, {
      mutate: set({ [`${LTI}target_link_uri`]: "http://localhost/app/other" }),
    });
    await expectRejected(response, 401, "target_link_uri_mismatch");
  });

  it("missing target_link_uri on a resource-link launch", async () => {
    const { response } = await launch(canvas, { mutate: drop(`${LTI}target_link_uri`) });
    await expectRejected(response, 400, "missing_target_link_uri");
  });

  it("a deep-linking request without its settings", async () => {
    const { response } = await launch(canvas, {
      messageType: "LtiDeepLinkingRequest",
      mutate: drop("https://purl.imsglobal.org/spec/lti-dl/claim/deep_linking_settings"),
    });
    await expectRejected(response, 400, "missing_deep_linking_settings");
  });

  it("a malformed context (no id)", async () => {
    const { response } = await launch(canvas, { mutate: set({ [`${LTI}context`]: { title: "no id" } }) });
    await expectRejected(response, 400, "invalid_context");
  });

  it("a launch_presentation with an unknown document_target", async () => {
    const { response } = await launch(canvas, {
      mutate: set({ [`${LTI}launch_presentation`]: { document_target: "popup" } }),
    });
    await expectRejected(response, 400, "invalid_launch_presentation");
  });
});

describe("platform JWKS cache", () => {
  it("caches the JWKS in KV and refetches once when the platform rotates its key", async () => {
    const fetches = () => moodle.requests.filter((r) => r.url === moodle.jwksUri).length;
    expect((await launch(moodle)).response.status).toBe(200);
    const afterFirst = fetches();
    expect((await launch(moodle)).response.status).toBe(200);
    expect(fetches()).toBe(afterFirst);
    const cached = (await env.PLATFORMS.get(await jwksCacheKey(moodle.jwksUri), "json")) as { maxAgeMs: number };
    expect(cached.maxAgeMs).toBe(300_000); // the platform's Cache-Control: max-age=300

    // The platform rotates; our copy (older than the refetch cooldown) lacks the new kid.
    await env.PLATFORMS.put(
      await jwksCacheKey(moodle.jwksUri),
      JSON.stringify({ jwks: moodle.jwks(), fetchedAt: Date.now() - 60_000, maxAgeMs: 300_000 }),
    );
    await moodle.rotateKey();
    const beforeRotation = fetches();
    expect((await launch(moodle)).response.status).toBe(200);
    expect(fetches()).toBe(beforeRotation + 1);
  });

  it("keeps a fresh copy's imported keys in the isolate: a known kid needs neither KV nor the platform", async () => {
    expect((await launch(moodle)).response.status).toBe(200);
    await env.PLATFORMS.delete(await jwksCacheKey(moodle.jwksUri));
    vi.restoreAllMocks();
    let jwksFetches = 0;
    const real = globalThis.fetch.bind(globalThis);
    vi.spyOn(globalThis, "fetch").mockImplementation(async (input, init) => {
      const url = new Request(input, init).url;
      if (url === moodle.jwksUri) {
        jwksFetches++;
        return new Response("down", { status: 503 });
      }
      return (await moodle.handle(new Request(input, init))) ?? real(input, init);
    });
    expect((await launch(moodle)).response.status).toBe(200);
    expect(jwksFetches).toBe(0);
    // A fresh isolate knows only KV, which no longer has the copy: the platform is asked (and is down).
    forgetHeldJwks();
    expect(await errorCode((await launch(moodle)).response)).toBe("jwks_unavailable");
    expect(jwksFetches).toBe(1);
    vi.restoreAllMocks();
  });

  it("fetches afresh after an operator re-posts the registration, cooldown or not", async () => {
    expect((await launch(moodle)).response.status).toBe(200);
    await moodle.rotateKey();
    // Our copy is seconds old: within the cooldown an unknown kid does not refetch.
    expect(await errorCode((await launch(moodle)).response)).toBe("unknown_kid");
    await register(moodle, { tenantId: "moodle-college" });
    expect((await launch(moodle)).response.status).toBe(200);
  });

  it("does not refetch for an unknown kid while its copy is younger than the cooldown", async () => {
    const fetches = () => canvas.requests.filter((r) => r.url === canvas.jwksUri).length;
    await env.PLATFORMS.put(
      await jwksCacheKey(canvas.jwksUri),
      JSON.stringify({ jwks: canvas.jwks(), fetchedAt: Date.now() - 1000, maxAgeMs: 300_000 }),
    );
    const before = fetches();
    const { response } = await launch(canvas, { header: { kid: "brand-new-kid" } });
    expect(await errorCode(response)).toBe("unknown_kid");
    expect(fetches()).toBe(before);
  });

  it("refuses launches when the platform's JWKS cannot be fetched", async () => {
    await env.PLATFORMS.delete(await jwksCacheKey(canvas.jwksUri));
    forgetHeldJwks();
    vi.restoreAllMocks();
    vi.spyOn(globalThis, "fetch").mockImplementation(async () => new Response("down", { status: 503 }));
    const { response } = await launch(canvas);
    expect(response.status).toBe(401);
    expect(await errorCode(response)).toBe("jwks_unavailable");
  });
});
