import { env } from "cloudflare:workers";
import { exportJWK, generateKeyPair, SignJWT } from "jose";
import { afterEach, describe, expect, it, vi } from "vitest";
import {
  API_TOKEN_AUDIENCE,
  API_TOKEN_ISSUER,
  API_TOKEN_TTL_SECONDS,
  API_TOKEN_TYPE,
  apiTokenSigningKey,
  mintApiToken,
  verifyApiToken,
} from "./api-token";
import { claimsFor } from "./test-tokens";

afterEach(() => {
  vi.useRealTimers();
});

async function rejection(token: string, on: Env = env) {
  try {
    await verifyApiToken(on, token);
  } catch (e) {
    return e as { status: number; code: string };
  }
  throw new Error("the token was accepted");
}

/**
 * A token with every claim right, signed with `key` under `header` and with `edit` applied: what
 * a test varies (the key, the header, one claim) is then the only thing wrong with it.
 */
async function wellFormedToken(
  key: Parameters<SignJWT["sign"]>[0],
  edit: (jwt: SignJWT) => SignJWT = (jwt) => jwt,
  payload: Record<string, unknown> = {},
  header: { alg: string; typ?: string; kid?: string } = { alg: "HS256", typ: API_TOKEN_TYPE },
) {
  const { userId, ...rest } = claimsFor("acme", { isInstructor: false });
  const now = Math.floor(Date.now() / 1000);
  const jwt = new SignJWT({ ...rest, isInstructor: false, ...payload })
    .setProtectedHeader(header)
    .setIssuer(API_TOKEN_ISSUER)
    .setAudience(API_TOKEN_AUDIENCE)
    .setSubject(userId)
    .setJti(crypto.randomUUID())
    .setIssuedAt(now)
    .setExpirationTime(now + 600);
  return edit(jwt).sign(key);
}

/** A token signed with the gateway's real key, with `edit` applied, to prove each check on its own. */
async function signedWithOurKey(
  edit: (jwt: SignJWT) => SignJWT,
  payload: Record<string, unknown> = {},
  header: { alg: string; typ?: string } = { alg: "HS256", typ: API_TOKEN_TYPE },
) {
  return wellFormedToken(await apiTokenSigningKey(env), edit, payload, header);
}

describe("mintApiToken / verifyApiToken", () => {
  it("round-trips the launch claims and expires within an hour", async () => {
    const before = Date.now();
    const input = claimsFor("acme");
    const { token, expiresAt } = await mintApiToken(env, input);
    const claims = await verifyApiToken(env, token);
    expect(claims).toEqual({ ...input, isInstructor: false });
    const expiry = Date.parse(expiresAt);
    expect(expiry).toBeGreaterThan(before);
    expect(expiry - before).toBeLessThanOrEqual(API_TOKEN_TTL_SECONDS * 1000 + 1000);
  });

  it("decides isInstructor from the roles, whatever the caller claimed", async () => {
    const teacher = await mintApiToken(
      env,
      claimsFor("acme", {
        roles: ["http://purl.imsglobal.org/vocab/lis/v2/membership#Instructor"],
        isInstructor: false,
      }),
    );
    expect((await verifyApiToken(env, teacher.token)).isInstructor).toBe(true);
    const learner = await mintApiToken(env, claimsFor("acme", { roles: ["Learner"], isInstructor: true }));
    expect((await verifyApiToken(env, learner.token)).isInstructor).toBe(false);
  });

  it("refuses to mint for claims that do not fit, with a code the launch error page can show", async () => {
    await expect(mintApiToken(env, claimsFor("Not A Slug"))).rejects.toMatchObject({
      status: 400,
      code: "invalid_launch_claims",
    });
    await expect(mintApiToken(env, claimsFor("acme", { userId: "x".repeat(300) }))).rejects.toMatchObject({
      status: 400,
      code: "invalid_launch_claims",
    });
  });

  it("refuses an expired token with token_expired", async () => {
    vi.useFakeTimers({ toFake: ["Date"] });
    vi.setSystemTime(Date.now() - (API_TOKEN_TTL_SECONDS + 60) * 1000);
    const { token } = await mintApiToken(env, claimsFor("acme"));
    vi.useRealTimers();
    expect(await rejection(token)).toMatchObject({ status: 401, code: "token_expired" });
  });

  it("refuses a token whose payload was altered after signing", async () => {
    const { token } = await mintApiToken(env, claimsFor("acme"));
    const [header, payload, signature] = token.split(".");
    const claims = JSON.parse(atob(payload!.replaceAll("-", "+").replaceAll("_", "/")));
    const altered = btoa(JSON.stringify({ ...claims, tenantId: "other-college" }))
      .replaceAll("+", "-")
      .replaceAll("/", "_")
      .replaceAll("=", "");
    expect(await rejection(`${header}.${altered}.${signature}`)).toMatchObject({ status: 401, code: "invalid_token" });
  });

  it("refuses a token minted by a gateway with another secret (another deployment)", async () => {
    const other: Env = { ...env, API_TOKEN_SECRET: "v1.a-completely-different-secret-0123456789abcdef" };
    const { token } = await mintApiToken(other, claimsFor("acme"));
    expect(await rejection(token)).toMatchObject({ status: 401, code: "invalid_token" });
    // And the key really is derived: HMAC with the raw secret is not the signing key.
    const raw = new TextEncoder().encode(env.API_TOKEN_SECRET.slice("v1.".length));
    const rawSigned = await wellFormedToken(raw);
    expect(await rejection(rawSigned)).toMatchObject({ code: "invalid_token" });
  });

  it("refuses our own key used for another audience, issuer or type", async () => {
    const wrongAudience = await signedWithOurKey((j) => j.setAudience("https://lms.example.edu"));
    const wrongIssuer = await signedWithOurKey((j) => j.setIssuer("https://lms.example.edu"));
    const wrongType = await signedWithOurKey((j) => j, {}, { alg: "HS256", typ: "JWT" });
    const noType = await signedWithOurKey((j) => j, {}, { alg: "HS256" });
    for (const token of [wrongAudience, wrongIssuer, wrongType, noType]) {
      expect(await rejection(token)).toMatchObject({ status: 401, code: "invalid_token" });
    }
    // The control: the same construction with nothing changed passes.
    expect((await verifyApiToken(env, await signedWithOurKey((j) => j))).tenantId).toBe("acme");
  });

  it("refuses a token that lives longer than an hour even when we signed it", async () => {
    const now = Math.floor(Date.now() / 1000);
    const long = await signedWithOurKey((j) => j.setIssuedAt(now).setExpirationTime(now + API_TOKEN_TTL_SECONDS + 600));
    expect(await rejection(long)).toMatchObject({ code: "invalid_token" });
  });

  it("refuses signed claims that are not launch claims (bad tenant slug, missing context)", async () => {
    const badTenant = await signedWithOurKey((j) => j, { tenantId: "Not A Slug" });
    const noContext = await signedWithOurKey((j) => j, { contextId: undefined });
    expect(await rejection(badTenant)).toMatchObject({ code: "invalid_token" });
    expect(await rejection(noContext)).toMatchObject({ code: "invalid_token" });
  });

  it("refuses a platform-signed RS256 id_token even when it names our audience", async () => {
    const { privateKey, publicKey } = await generateKeyPair("RS256");
    expect((await exportJWK(publicKey)).kty).toBe("RSA");
    const platformToken = await wellFormedToken(
      privateKey,
      undefined,
      {},
      {
        alg: "RS256",
        typ: API_TOKEN_TYPE,
        kid: "platform-key",
      },
    );
    expect(await rejection(platformToken)).toMatchObject({ status: 401, code: "invalid_token" });
  });

  it("refuses unsigned (alg none) and malformed tokens", async () => {
    const { token } = await mintApiToken(env, claimsFor("acme"));
    const [, payload] = token.split(".");
    const none = `${btoa(JSON.stringify({ alg: "none", typ: API_TOKEN_TYPE })).replaceAll("=", "")}.${payload}.`;
    for (const bad of [none, "not-a-jwt", "a.b.c", ""]) {
      expect(await rejection(bad)).toMatchObject({ status: 401, code: "invalid_token" });
    }
  });
});
