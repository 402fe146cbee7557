import { env } from "cloudflare:workers";
import { beforeEach, describe, expect, it } from "vitest";
import { verifyRs256 } from "../../../../testing/lti-platform";
import { gateway } from "../lti/test-harness";
import {
  currentSigningKey,
  ensureToolKey,
  KEY_MAX_AGE_MS,
  KEY_OVERLAP_MS,
  maintainToolKeys,
  signWithToolKey,
} from "./store";

type Jwks = { keys: Record<string, unknown>[] };
const jwks = async (path = "/.well-known/jwks.json") => (await (await gateway(path)).json()) as Jwks;
const rotate = (token = env.ADMIN_TOKEN) =>
  gateway("/admin/keys/rotate", { method: "POST", headers: { Authorization: `Bearer ${token}` } });

describe("tool keys and JWKS", () => {
  it("an anonymous JWKS request never creates the first key (issue 13, finding 10)", async () => {
    await env.PLATFORMS.delete("toolkeys:index");
    const res = await gateway("/.well-known/jwks.json");
    expect(res.status).toBe(200);
    expect(((await res.json()) as Jwks).keys).toEqual([]);
    expect(await env.PLATFORMS.get("toolkeys:index")).toBeNull();
  });

  it("imports the private signing key as non-extractable", async () => {
    await ensureToolKey(env);
    const { key } = await currentSigningKey(env);
    expect(key.extractable).toBe(false);
    await expect(crypto.subtle.exportKey("jwk", key)).rejects.toThrow();
  });
  beforeEach(async () => {
    await ensureToolKey(env);
  });

  it("publishes public RS256 keys with kid, use and alg, cacheable, at both URLs", async () => {
    const res = await gateway("/.well-known/jwks.json");
    expect(res.status).toBe(200);
    expect(res.headers.get("Cache-Control")).toMatch(/max-age=\d+/);
    const body = (await res.json()) as Jwks;
    expect(body.keys.length).toBeGreaterThanOrEqual(1);
    for (const key of body.keys) {
      expect(key).toMatchObject({ kty: "RSA", use: "sig", alg: "RS256" });
      expect(typeof key.kid).toBe("string");
      for (const secret of ["d", "p", "q", "dp", "dq", "qi"]) expect(key[secret]).toBeUndefined();
    }
    expect(await jwks("/lti/jwks")).toEqual(body);
  });

  it("keeps private keys in KV only wrapped", async () => {
    const { keys } = await jwks();
    const raw = await env.PLATFORMS.get(`toolkey:${String(keys[0]?.kid)}`);
    expect(raw).not.toBeNull();
    const record = JSON.parse(raw ?? "{}") as Record<string, unknown>;
    expect(JSON.stringify(record)).not.toMatch(/"d"\s*:/);
    expect(record.wrappedPrivateJwk).toMatchObject({ v: 1 });
  });

  it("rotation needs the operator token", async () => {
    expect((await rotate("wrong-token-0123456789abcdefghijklmnop")).status).toBe(401);
  });

  it("rotates: the new key signs, the old one stays published for the overlap", async () => {
    const before = await jwks();
    const oldKid = before.keys[0]?.kid;
    const res = await rotate();
    expect(res.status).toBe(201);
    const { kid } = (await res.json()) as { kid: string };
    expect(kid).not.toBe(oldKid);
    const after = await jwks();
    expect(after.keys.map((k) => k.kid)).toEqual(expect.arrayContaining([kid, oldKid]));
    expect(after.keys[0]?.kid).toBe(kid);
    const token = await signWithToolKey(env, { hello: "world" }, { issuer: "i", audience: "a", ttlSeconds: 60 });
    const claims = await verifyRs256(token, after as unknown as { keys: JsonWebKey[] });
    expect(claims.hello).toBe("world");
    expect(JSON.parse(atob(token.split(".")[0] ?? "")).kid).toBe(kid);
  });

  it("scheduled maintenance unpublishes retired keys after the overlap and rotates old keys", async () => {
    await rotate();
    const published = (await jwks()).keys.map((k) => k.kid);
    expect(published.length).toBeGreaterThanOrEqual(2);
    const current = published[0];
    const soon = await maintainToolKeys(env, Date.now() + 60_000);
    expect(soon).toEqual({ rotated: false, removed: [], rewrapped: 0 });
    const later = await maintainToolKeys(env, Date.now() + KEY_OVERLAP_MS + 60_000);
    expect(later.rotated).toBe(false);
    expect((await jwks()).keys.map((k) => k.kid)).toEqual([current]);
    const aged = await maintainToolKeys(env, Date.now() + KEY_MAX_AGE_MS + 60_000);
    expect(aged.rotated).toBe(true);
    const now = (await jwks()).keys.map((k) => k.kid);
    expect(now).toHaveLength(2);
    expect(now[1]).toBe(current);
  });
});
