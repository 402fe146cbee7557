// The JOSE side of the simulated LMS: RSA keys, compact JWS signing and an RS256 check, and the
// LTI claim names. Written on WebCrypto alone (no jose), so it stays an independent second
// implementation of what the gateway's validator checks.

export interface SigningKey {
  kid: string;
  privateKey: CryptoKey;
  publicJwk: JsonWebKey & { kid: string; alg: string; use: string };
}

export const LTI = "https://purl.imsglobal.org/spec/lti/claim/";
export const LTI_DL = "https://purl.imsglobal.org/spec/lti-dl/claim/";
export const NRPS = "https://purl.imsglobal.org/spec/lti-nrps/claim/namesroleservice";
export const ROLE = {
  instructor: "http://purl.imsglobal.org/vocab/lis/v2/membership#Instructor",
  learner: "http://purl.imsglobal.org/vocab/lis/v2/membership#Learner",
  ta: "http://purl.imsglobal.org/vocab/lis/v2/membership/Instructor#TeachingAssistant",
  institutionInstructor: "http://purl.imsglobal.org/vocab/lis/v2/institution/person#Instructor",
  institutionStudent: "http://purl.imsglobal.org/vocab/lis/v2/institution/person#Student",
} as const;

const encoder = new TextEncoder();

export function base64url(input: Uint8Array | string): string {
  const bytes = typeof input === "string" ? encoder.encode(input) : input;
  let binary = "";
  for (const b of bytes) binary += String.fromCharCode(b);
  return btoa(binary).replaceAll("+", "-").replaceAll("/", "_").replaceAll("=", "");
}

export function decodeJwtPart(part: string): Record<string, unknown> {
  const b64 = part.replaceAll("-", "+").replaceAll("_", "/");
  const binary = atob(b64 + "=".repeat((4 - (b64.length % 4)) % 4));
  const bytes = Uint8Array.from(binary, (c) => c.charCodeAt(0));
  return JSON.parse(new TextDecoder().decode(bytes)) as Record<string, unknown>;
}

export async function generateSigningKey(kid?: string): Promise<SigningKey> {
  const pair = (await crypto.subtle.generateKey(
    { name: "RSASSA-PKCS1-v1_5", modulusLength: 2048, publicExponent: new Uint8Array([1, 0, 1]), hash: "SHA-256" },
    true,
    ["sign", "verify"],
  )) as CryptoKeyPair;
  const jwk = (await crypto.subtle.exportKey("jwk", pair.publicKey)) as JsonWebKey;
  const id = kid ?? base64url(crypto.getRandomValues(new Uint8Array(9)));
  return {
    kid: id,
    privateKey: pair.privateKey,
    publicJwk: { kty: "RSA", n: jwk.n, e: jwk.e, kid: id, alg: "RS256", use: "sig" },
  };
}

/** Signs a compact JWS. The header is taken as given, so tests can forge alg, kid or typ. */
export async function signJwt(
  header: Record<string, unknown>,
  payload: Record<string, unknown>,
  key: CryptoKey,
): Promise<string> {
  const input = `${base64url(JSON.stringify(header))}.${base64url(JSON.stringify(payload))}`;
  const signature = new Uint8Array(await crypto.subtle.sign("RSASSA-PKCS1-v1_5", key, encoder.encode(input)));
  return `${input}.${base64url(signature)}`;
}

/** An HS256 JWS (for the "symmetric algorithms are forbidden" cases). */
export async function signHs256(header: Record<string, unknown>, payload: Record<string, unknown>, secret: string) {
  const key = await crypto.subtle.importKey("raw", encoder.encode(secret), { name: "HMAC", hash: "SHA-256" }, false, [
    "sign",
  ]);
  const input = `${base64url(JSON.stringify(header))}.${base64url(JSON.stringify(payload))}`;
  const signature = new Uint8Array(await crypto.subtle.sign("HMAC", key, encoder.encode(input)));
  return `${input}.${base64url(signature)}`;
}

/** Verifies an RS256 JWS against a JWKS (for tokens the tool signs: deep linking, client assertions). */
export async function verifyRs256(token: string, jwks: { keys: JsonWebKey[] }): Promise<Record<string, unknown>> {
  const [h, p, s] = token.split(".");
  if (!h || !p || s === undefined) throw new Error("not a JWS");
  const header = decodeJwtPart(h);
  if (header.alg !== "RS256") throw new Error(`alg ${String(header.alg)}`);
  const jwk = jwks.keys.find((k) => (k as { kid?: string }).kid === header.kid);
  if (!jwk) throw new Error(`kid ${String(header.kid)} is not in the JWKS`);
  const key = await crypto.subtle.importKey("jwk", jwk, { name: "RSASSA-PKCS1-v1_5", hash: "SHA-256" }, false, [
    "verify",
  ]);
  const bin = atob(s.replaceAll("-", "+").replaceAll("_", "/") + "=".repeat((4 - (s.length % 4)) % 4));
  const ok = await crypto.subtle.verify(
    "RSASSA-PKCS1-v1_5",
    key,
    Uint8Array.from(bin, (c) => c.charCodeAt(0)),
    encoder.encode(`${h}.${p}`),
  );
  if (!ok) throw new Error("bad signature");
  return decodeJwtPart(p);
}
