import { randomBase64Url } from "@atomic-guide/shared";
import * as v from "valibot";
import { stateObject } from "../do/oidc-state";

export const STATE_TTL_MS = 10 * 60 * 1000;

/** 256 random bits, base64url: the OIDC state, nonce and cookie binding values. */
export const randomToken = (bytes = 32): string => randomBase64Url(bytes);

export const TokenValueSchema = v.pipe(v.string(), v.regex(/^[A-Za-z0-9_-]{22,64}$/));

/** Everything the launch needs from its login, kept server-side and consumed exactly once. */
export const LoginStateSchema = v.object({
  nonce: TokenValueSchema,
  binding: TokenValueSchema,
  issuer: v.string(),
  clientId: v.string(),
  loginDeploymentId: v.optional(v.string()),
  targetLinkUri: v.string(),
  storageTarget: v.optional(v.string()),
  authorizationOrigin: v.string(),
  createdAt: v.number(),
});
export type LoginState = v.InferOutput<typeof LoginStateSchema>;

export async function saveLoginState(env: Env, state: string, record: LoginState): Promise<void> {
  await stateObject(env, `state:${state}`).put(record, STATE_TTL_MS);
}

/** The login record for `state`, removed as it is read: a second launch with it finds nothing. */
export async function takeLoginState(env: Env, state: string): Promise<LoginState | null> {
  if (!v.is(TokenValueSchema, state)) return null;
  const parsed = v.safeParse(LoginStateSchema, await stateObject(env, `state:${state}`).take());
  return parsed.success ? parsed.output : null;
}

/** Cookie that binds a login to this browser; one per state so parallel launches do not clash. */
export const stateCookieName = (state: string) => `lti_state_${state}`;

export function stateCookie(state: string, binding: string): string {
  return `${stateCookieName(state)}=${binding}; Path=/lti/; Max-Age=${STATE_TTL_MS / 1000}; HttpOnly; Secure; SameSite=None; Partitioned`;
}

export function clearStateCookie(state: string): string {
  return `${stateCookieName(state)}=; Path=/lti/; Max-Age=0; HttpOnly; Secure; SameSite=None; Partitioned`;
}

export function readCookie(request: Request, name: string): string | undefined {
  const header = request.headers.get("Cookie");
  if (!header) return undefined;
  for (const part of header.split(";")) {
    const eq = part.indexOf("=");
    if (eq > 0 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
  }
  return undefined;
}

/** Frame names a platform may ask us to post to (lti_storage_target is attacker-controlled). */
export const StorageTargetSchema = v.pipe(v.string(), v.regex(/^[A-Za-z0-9_-]{1,64}$/));
