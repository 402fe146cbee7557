// Issue 13, finding 10: separate, versioned secrets for key wrapping and API tokens, each
// rotatable without downtime; key creation and rotation serialised in one Durable Object.
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { mintApiToken, verifyApiToken } from "../auth/api-token";
import { readIndex, readKeyRecord } from "./records";
import { rewrapToolKeysUnlocked, rotateToolKeyUnlocked } from "./rotation";
import { rotateToolKey } from "./store";
import { unwrap } from "./wrap";

const OLD = `v1.${"o".repeat(40)}`;
const NEW = `v2.${"n".repeat(40)}`;
const withSecrets = (secrets: Record<string, string>) => ({ ...env, ...secrets }) as Env;

const claims = {
  tenantId: "rotation-edu",
  userId: "user-1",
  roles: [],
  contextId: "course-1",
  launchId: "launch-1",
  deploymentId: "dep-1",
  issuer: "https://lms.rotation.edu",
  clientId: "client-1",
  messageType: "LtiResourceLinkRequest" as const,
};

describe("rotating the key-wrapping secret", () => {
  it("keeps every stored key usable through the rotation, and re-wraps them to the new version", async () => {
    const before = withSecrets({ KEY_WRAPPING_SECRET: OLD });
    const during = withSecrets({ KEY_WRAPPING_SECRET: NEW, KEY_WRAPPING_SECRET_PREVIOUS: OLD });
    const after = withSecrets({ KEY_WRAPPING_SECRET: NEW });
    await env.PLATFORMS.delete("toolkeys:index");
    const { kid } = await rotateToolKeyUnlocked(before, Date.now());
    const oldRecord = await readKeyRecord(env, kid);
    expect(oldRecord?.wrappedPrivateJwk.secretVersion).toBe("v1");
    // Step 2: new secret current, old one as _PREVIOUS: the old record still unwraps.
    expect(JSON.parse(await unwrap(during, oldRecord?.wrappedPrivateJwk as never, kid)).kid).toBe(kid);
    expect(await rewrapToolKeysUnlocked(during)).toBe(1);
    const rewrapped = await readKeyRecord(env, kid);
    expect(rewrapped?.wrappedPrivateJwk.secretVersion).toBe("v2");
    expect(rewrapped?.publicJwk).toEqual(oldRecord?.publicJwk);
    // Step 3: _PREVIOUS removed: the re-wrapped key still unwraps, a leftover old one would not.
    expect(JSON.parse(await unwrap(after, rewrapped?.wrappedPrivateJwk as never, kid)).kid).toBe(kid);
    await expect(unwrap(after, oldRecord?.wrappedPrivateJwk as never, kid)).rejects.toThrow(/v1/);
    expect(await rewrapToolKeysUnlocked(after)).toBe(0);
  });

  it("the wrapping and API-token secrets are independent", async () => {
    const a = withSecrets({ KEY_WRAPPING_SECRET: OLD, API_TOKEN_SECRET: NEW });
    const b = withSecrets({ KEY_WRAPPING_SECRET: NEW, API_TOKEN_SECRET: NEW });
    const { token } = await mintApiToken(a, claims);
    // Changing only the wrapping secret leaves API tokens valid.
    expect((await verifyApiToken(b, token)).tenantId).toBe("rotation-edu");
  });
});

describe("rotating the API-token secret", () => {
  it("tokens signed before the rotation verify while the old secret is _PREVIOUS, and not after", async () => {
    const before = withSecrets({ API_TOKEN_SECRET: OLD });
    const during = withSecrets({ API_TOKEN_SECRET: NEW, API_TOKEN_SECRET_PREVIOUS: OLD });
    const after = withSecrets({ API_TOKEN_SECRET: NEW });
    const old = (await mintApiToken(before, claims)).token;
    expect((await verifyApiToken(during, old)).userId).toBe("user-1");
    const fresh = (await mintApiToken(during, claims)).token;
    expect((await verifyApiToken(after, fresh)).userId).toBe("user-1");
    await expect(verifyApiToken(after, old)).rejects.toMatchObject({ status: 401, code: "invalid_token" });
  });

  it("refuses a malformed versioned secret instead of using it", async () => {
    await expect(mintApiToken(withSecrets({ API_TOKEN_SECRET: "short" }), claims)).rejects.toThrow(/API_TOKEN_SECRET/);
  });
});

describe("a legacy-only installation (KEY_ENCRYPTION_SECRET, from before the split)", () => {
  const legacy = withSecrets({ KEY_ENCRYPTION_SECRET: `legacy-${"l".repeat(40)}` });
  for (const name of ["KEY_WRAPPING_SECRET", "API_TOKEN_SECRET"] as const) delete (legacy as Partial<Env>)[name];

  it("signs and verifies API tokens and wraps keys as version v0", async () => {
    const { token } = await mintApiToken(legacy, claims);
    expect(JSON.parse(atob(token.split(".")[0] ?? "")).kid).toBe("api-hs256-v1");
    expect((await verifyApiToken(legacy, token)).userId).toBe("user-1");
    // The test gateway's own (versioned) secret did not sign it.
    await expect(verifyApiToken(env, token)).rejects.toMatchObject({ code: "invalid_token" });
    const { kid } = await rotateToolKeyUnlocked(legacy, Date.now());
    const record = await readKeyRecord(env, kid);
    expect(record?.wrappedPrivateJwk.secretVersion).toBe("v0");
    expect(JSON.parse(await unwrap(legacy, record?.wrappedPrivateJwk as never, kid)).kid).toBe(kid);
  });
});

describe("key creation and rotation are serialised", () => {
  it("concurrent rotations all land in the index (no lost read-modify-write)", async () => {
    const results = await Promise.all(Array.from({ length: 4 }, () => rotateToolKey(env)));
    const index = await readIndex(env);
    for (const { kid } of results) expect(index?.keys.map((k) => k.kid)).toContain(kid);
    expect(results.map((r) => r.kid)).toContain(index?.current);
  });
});
