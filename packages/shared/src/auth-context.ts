import * as v from "valibot";
import { base64UrlToText, textToBase64Url } from "./base64url";
import { ApiError } from "./errors";
import { VersionPinsSchema } from "./rpc/version-pins";
import { IdSchema } from "./validation";

/**
 * Who is calling, as established by the gateway from a verified API token. The gateway is the
 * only public Worker, so it strips any copy of this header a client sends and sets its own;
 * services still validate it, because a header is just data.
 */
export const AUTH_CONTEXT_HEADER = "X-Atomic-Auth";

export const TenantIdSchema = v.pipe(v.string(), v.regex(/^[a-z0-9][a-z0-9-]{0,62}$/, "must be a tenant slug"));

/** A binding name such as `DB` or `DB_TENANT_ACME`: where a tenant with a dedicated database lives. */
export const D1BindingNameSchema = v.pipe(v.string(), v.regex(/^DB(_[A-Z0-9_]{1,60})?$/, "must be a D1 binding name"));

/**
 * The API token a realtime socket was opened with: who issued the launch and when the token
 * ends. Set by the gateway on /ws upgrades only, so the service can close the socket at the
 * token's expiry or when its registration is revoked (docs/security.md, Realtime sockets).
 */
export const TokenLimitsSchema = v.object({
  issuer: v.pipe(v.string(), v.minLength(1), v.maxLength(2048)),
  clientId: IdSchema,
  issuedAtMs: v.pipe(v.number(), v.integer(), v.minValue(0)),
  expiresAtMs: v.pipe(v.number(), v.integer(), v.minValue(0)),
});
export type TokenLimits = v.InferOutput<typeof TokenLimitsSchema>;

export const AuthContextSchema = v.object({
  tenantId: TenantIdSchema,
  userId: IdSchema,
  roles: v.array(v.pipe(v.string(), v.maxLength(255))),
  isInstructor: v.boolean(),
  contextId: v.optional(IdSchema),
  name: v.optional(v.pipe(v.string(), v.maxLength(255))),
  /**
   * The launch the caller's API token came from. A learning session opens at the page's first
   * signal, not at the launch, and records this as its launch.
   */
  launchId: v.optional(IdSchema),
  /** Dedicated D1 binding named in the tenant record; absent means the shared `DB`. */
  d1Binding: v.optional(D1BindingNameSchema),
  /**
   * The tenant's feature switches as the gateway read them for this call, so a service checks
   * them on RPC entries and on the calls it makes to other services, not only on forwarded /api.
   */
  flags: v.optional(
    v.object({
      chat: v.optional(v.boolean()),
      struggleDetection: v.optional(v.boolean()),
      analytics: v.optional(v.boolean()),
    }),
  ),
  /**
   * The candidate versions the tenant is pinned to (rpc/version-pins.ts), as the gateway read
   * them for this call; services send their own calls for the tenant to the same versions.
   */
  pins: v.optional(VersionPinsSchema),
  /** Present on forwarded /ws upgrades: the limits of the token behind the socket. */
  token: v.optional(TokenLimitsSchema),
});
export type AuthContext = v.InferOutput<typeof AuthContextSchema>;

export function encodeAuthContext(auth: AuthContext): string {
  // Base64url keeps arbitrary display names header-safe.
  return textToBase64Url(JSON.stringify(auth));
}

export function decodeAuthContext(header: string | null): AuthContext {
  if (!header) throw new ApiError(401, "unauthorized", "Authentication is required.");
  let parsed: unknown;
  try {
    parsed = JSON.parse(base64UrlToText(header));
  } catch {
    throw new ApiError(401, "unauthorized", "The caller's identity could not be read.");
  }
  const result = v.safeParse(AuthContextSchema, parsed);
  if (!result.success) throw new ApiError(401, "unauthorized", "The caller's identity is malformed.");
  return result.output;
}

/** Each request's decoded header: its route and its metrics both read the identity. */
const decoded = new WeakMap<Request, { header: string; auth: AuthContext }>();

/** Reads the gateway-set auth context from a forwarded request, decoding its header once. */
export function authContextFrom(request: Request): AuthContext {
  const header = request.headers.get(AUTH_CONTEXT_HEADER);
  const hit = decoded.get(request);
  // A request built in code has mutable headers: a copy counts only for the header it came from.
  if (hit && hit.header === header) return hit.auth;
  const auth = decodeAuthContext(header);
  if (header !== null) decoded.set(request, { header, auth });
  return auth;
}
