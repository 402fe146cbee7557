import { ApiError, IdSchema, parseWith, TenantIdSchema } from "@atomic-guide/shared";
import { errors as joseErrors, jwtVerify, SignJWT } from "jose";
import * as v from "valibot";
import { derivedKeys } from "../keys/derive";
import { hasInstructorRole } from "./roles";

/**
 * The API token: what a launch hands the browser so it can call /api. Only the gateway signs
 * it (HS256 with a key no other party holds), and its audience is this tool's API, so neither a
 * platform's id_token nor any other JWT we sign (deep-linking responses, client assertions) is
 * ever accepted in its place.
 */
export const API_TOKEN_ISSUER = "urn:atomic-guide:lti-gateway";
export const API_TOKEN_AUDIENCE = "urn:atomic-guide:api";
/** Distinct JWT type, so a token made for another purpose with the same algorithm cannot pass. */
export const API_TOKEN_TYPE = "atomic-guide-api+jwt";
export const API_TOKEN_TTL_SECONDS = 60 * 60;
/** Leeway for clock skew between isolates; small because both ends are ours. */
const CLOCK_TOLERANCE_SECONDS = 5;
/** The JWT kid names the API_TOKEN_SECRET version, so a token verifies across a rotation. */
const keyIdFor = (version: string) => (version === "v0" ? "api-hs256-v1" : `api-hs256-secret-${version}`);

const bounded = (max: number) => v.pipe(v.string(), v.minLength(1), v.maxLength(max));

export const LtiMessageTypeSchema = v.picklist([
  "LtiResourceLinkRequest",
  "LtiDeepLinkingRequest",
  "LtiSubmissionReviewRequest",
]);

export const ApiTokenClaimsSchema = v.object({
  tenantId: TenantIdSchema,
  userId: IdSchema,
  roles: v.pipe(v.array(v.pipe(v.string(), v.maxLength(255))), v.maxLength(64)),
  isInstructor: v.boolean(),
  contextId: IdSchema,
  contextTitle: v.optional(v.pipe(v.string(), v.maxLength(255))),
  name: v.optional(v.pipe(v.string(), v.maxLength(255))),
  launchId: IdSchema,
  deploymentId: IdSchema,
  issuer: bounded(2048),
  clientId: IdSchema,
  messageType: LtiMessageTypeSchema,
});
export type ApiTokenClaims = v.InferOutput<typeof ApiTokenClaimsSchema>;

/**
 * What a caller passes to mint. `isInstructor` may be omitted: the gateway's role mapping
 * (roles.ts) decides it either way, so one rule governs the view and the instructor-only routes.
 */
export type ApiTokenClaimsInput = Omit<ApiTokenClaims, "isInstructor"> & { isInstructor?: boolean };

/**
 * The current HMAC key, derived from API_TOKEN_SECRET (its own secret, unrelated to the one that
 * wraps the tool's RSA keys), so a key derived for another purpose never verifies an API token.
 */
export async function apiTokenSigningKey(env: Env): Promise<CryptoKey> {
  return (await apiTokenKeys(env))[0]?.key as CryptoKey;
}

/** The API-token HMAC keys, current first, then the previous API_TOKEN_SECRET version (keys/derive.ts). */
function apiTokenKeys(env: Env) {
  return derivedKeys(
    env,
    "api-token",
    "atomic-guide api-token hs256 v1",
    { name: "HMAC", hash: "SHA-256", length: 256 },
    ["sign", "verify"],
  );
}

/** Signs an API token for a verified launch; valid for one hour. Throws ApiError 400 for claims that do not fit. */
export async function mintApiToken(
  env: Env,
  input: ApiTokenClaimsInput,
): Promise<{ token: string; expiresAt: string; expiresIn: number }> {
  // A launch whose claims do not fit (an over-long id, say) fails with a code the error page can show.
  const claims = parseWith(
    ApiTokenClaimsSchema,
    { ...input, isInstructor: hasInstructorRole(input.roles ?? []) },
    "invalid_launch_claims",
  );
  const { userId, ...rest } = claims;
  const [current] = await apiTokenKeys(env);
  if (!current) throw new Error("API_TOKEN_SECRET is not set");
  const issuedAt = Math.floor(Date.now() / 1000);
  const exp = issuedAt + API_TOKEN_TTL_SECONDS;
  const token = await new SignJWT({ ...rest })
    .setProtectedHeader({ alg: "HS256", typ: API_TOKEN_TYPE, kid: keyIdFor(current.version) })
    .setIssuer(API_TOKEN_ISSUER)
    .setAudience(API_TOKEN_AUDIENCE)
    .setSubject(userId)
    .setJti(crypto.randomUUID())
    .setIssuedAt(issuedAt)
    .setExpirationTime(exp)
    .sign(current.key);
  return { token, expiresAt: new Date(exp * 1000).toISOString(), expiresIn: API_TOKEN_TTL_SECONDS };
}

const invalidToken = () => new ApiError(401, "invalid_token", "The API token is not valid. Launch the tool again.");

/**
 * Verifies an API token and returns its claims. Throws ApiError 401: `token_expired` when it
 * is past its expiry (the client should relaunch), `invalid_token` for anything else (forged,
 * wrong audience or issuer, wrong algorithm or type, malformed claims, a lifetime over 1 h).
 */
export async function verifyApiToken(env: Env, token: string): Promise<ApiTokenClaims> {
  return (await verifyApiTokenWithExpiry(env, token)).claims;
}

/** As verifyApiToken, also telling when the token expires (a ticket must not outlive it). */
export async function verifyApiTokenWithExpiry(
  env: Env,
  token: string,
): Promise<{ claims: ApiTokenClaims; expiresAtMs: number }> {
  if (token.length === 0 || token.length > 8192) throw invalidToken();
  let payload: Record<string, unknown>;
  try {
    const keys = await apiTokenKeys(env);
    // By kid (the secret version); an unknown kid gets the current key and fails unless it matches.
    const keyFor = (header: { kid?: string }) =>
      (keys.find((k) => keyIdFor(k.version) === header.kid) ?? keys[0])?.key as CryptoKey;
    ({ payload } = await jwtVerify(token, keyFor, {
      algorithms: ["HS256"],
      issuer: API_TOKEN_ISSUER,
      audience: API_TOKEN_AUDIENCE,
      typ: API_TOKEN_TYPE,
      requiredClaims: ["sub", "iat", "exp", "jti"],
      clockTolerance: CLOCK_TOLERANCE_SECONDS,
      maxTokenAge: API_TOKEN_TTL_SECONDS + CLOCK_TOLERANCE_SECONDS,
    }));
  } catch (e) {
    if (e instanceof joseErrors.JWTExpired) {
      throw new ApiError(401, "token_expired", "The API token has expired. Launch the tool again.");
    }
    throw invalidToken();
  }
  const { iat, exp } = payload;
  // The token could only be longer-lived than an hour if someone else had minted it.
  if (typeof iat !== "number" || typeof exp !== "number" || exp - iat > API_TOKEN_TTL_SECONDS) throw invalidToken();
  const claims = v.safeParse(ApiTokenClaimsSchema, {
    tenantId: payload.tenantId,
    userId: payload.sub,
    roles: payload.roles,
    isInstructor: payload.isInstructor,
    contextId: payload.contextId,
    contextTitle: payload.contextTitle,
    name: payload.name,
    launchId: payload.launchId,
    deploymentId: payload.deploymentId,
    issuer: payload.issuer,
    clientId: payload.clientId,
    messageType: payload.messageType,
  });
  if (!claims.success) throw invalidToken();
  return { claims: claims.output, expiresAtMs: exp * 1000 };
}

/** Reads `Authorization: Bearer <apiToken>` and verifies it; 401 when missing or invalid. */
export async function apiClaimsFrom(
  request: Request,
  env: Env,
): Promise<{ claims: ApiTokenClaims; expiresAtMs: number }> {
  const header = request.headers.get("Authorization");
  const match = header ? /^Bearer[ ]+([A-Za-z0-9._~+/=-]+)\s*$/i.exec(header) : null;
  if (!match?.[1]) {
    throw new ApiError(401, "unauthorized", "An API token is required (Authorization: Bearer <apiToken>).");
  }
  return verifyApiTokenWithExpiry(env, match[1]);
}
