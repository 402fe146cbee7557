import * as v from "valibot";
import { isLocalDevelopment } from "../env";
import { signWithToolKey } from "../keys/store";
import { isAllowedPlatformUrl } from "./platform-url";
import type { PlatformRegistration } from "./registry";

const TokenResponseSchema = v.object({
  access_token: v.pipe(v.string(), v.minLength(1), v.maxLength(8192)),
  token_type: v.optional(v.string()),
  expires_in: v.optional(v.pipe(v.number(), v.minValue(1))),
  scope: v.optional(v.string()),
});
const CachedTokenSchema = v.object({ accessToken: v.string(), expiresAt: v.number() });

/** A token is reused until this long before it expires. */
const EXPIRY_MARGIN_S = 60;
const KV_MIN_TTL_S = 60;

export class PlatformServiceError extends Error {
  override readonly name = "PlatformServiceError";
}

async function cacheKeyFor(reg: PlatformRegistration, scopes: string[]): Promise<string> {
  const material = JSON.stringify([reg.issuer, reg.clientId, [...scopes].sort()]);
  const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", new TextEncoder().encode(material)));
  return `svctoken:${Array.from(digest, (b) => b.toString(16).padStart(2, "0")).join("")}`;
}

/**
 * An OAuth access token for LTI services (client credentials with a private_key_jwt client
 * assertion signed by the tool key [Sec §4]), cached per (issuer, client id, scope set).
 */
export async function platformAccessToken(env: Env, reg: PlatformRegistration, scopes: string[]): Promise<string> {
  const key = await cacheKeyFor(reg, scopes);
  const cached = v.safeParse(CachedTokenSchema, await env.PLATFORMS.get(key, "json"));
  const nowS = Math.floor(Date.now() / 1000);
  if (cached.success && cached.output.expiresAt - EXPIRY_MARGIN_S > nowS) return cached.output.accessToken;

  if (!isAllowedPlatformUrl(reg.tokenEndpoint, isLocalDevelopment(env))) {
    throw new PlatformServiceError("token endpoint is not https");
  }
  const assertion = await signWithToolKey(
    env,
    {},
    {
      issuer: reg.clientId,
      subject: reg.clientId,
      audience: reg.authorizationServer ?? reg.tokenEndpoint,
      ttlSeconds: 300,
    },
  );
  const body = new URLSearchParams({
    grant_type: "client_credentials",
    client_assertion_type: "urn:ietf:params:oauth:client-assertion-type:jwt-bearer",
    client_assertion: assertion,
    scope: scopes.join(" "),
  });
  const response = await fetch(reg.tokenEndpoint, {
    method: "POST",
    headers: { "Content-Type": "application/x-www-form-urlencoded", Accept: "application/json" },
    body,
    redirect: "manual",
    signal: AbortSignal.timeout(5000),
  });
  if (!response.ok) throw new PlatformServiceError(`token endpoint answered ${response.status}`);
  const parsed = v.safeParse(TokenResponseSchema, await response.json().catch(() => null));
  if (!parsed.success) throw new PlatformServiceError("token endpoint answered an unexpected body");
  const expiresIn = parsed.output.expires_in ?? 3600;
  const ttl = Math.max(KV_MIN_TTL_S, expiresIn - EXPIRY_MARGIN_S);
  if (expiresIn - EXPIRY_MARGIN_S >= KV_MIN_TTL_S) {
    await env.PLATFORMS.put(
      key,
      JSON.stringify({ accessToken: parsed.output.access_token, expiresAt: nowS + expiresIn }),
      { expirationTtl: ttl },
    );
  }
  return parsed.output.access_token;
}
