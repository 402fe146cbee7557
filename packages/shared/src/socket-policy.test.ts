import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import type { AuthContext } from "./auth-context";
import { applySocketPolicyChange, readSocketPolicy, SOCKET_CLOSE, socketVerdict } from "./socket-policy";

const kv = (env as unknown as { SNAPSHOTS: KVNamespace }).SNAPSHOTS;
const issuer = "https://lms.example.edu";

function socketOf(tenantId: string, issuedAtMs: number, expiresAtMs: number, clientId = "client-1"): AuthContext {
  return {
    tenantId,
    userId: "u1",
    roles: [],
    isInstructor: false,
    token: { issuer, clientId, issuedAtMs, expiresAtMs },
  };
}

describe("socket policy", () => {
  it("merges feature changes and keeps earlier revocations; a change to one feature leaves the other", async () => {
    const now = Date.now();
    await applySocketPolicyChange(kv, { tenantId: "merge", features: { chat: false } }, now);
    await applySocketPolicyChange(
      kv,
      { tenantId: "merge", revokedRegistration: { issuer, clientId: "c", atMs: now } },
      now,
    );
    const policy = await applySocketPolicyChange(kv, { tenantId: "merge", features: { struggleDetection: true } }, now);
    expect(policy).toEqual({
      features: { chat: false, struggleDetection: true },
      revokedRegistrations: { [`${issuer} c`]: now },
    });
    expect(await readSocketPolicy(kv, "merge", now)).toEqual(policy);
  });

  it("drops revocations older than any live token on the next change", async () => {
    const now = Date.now();
    const old = now - 3 * 60 * 60_000;
    await applySocketPolicyChange(
      kv,
      { tenantId: "prune", revokedRegistration: { issuer, clientId: "a", atMs: old } },
      old,
    );
    const policy = await applySocketPolicyChange(kv, { tenantId: "prune", features: { chat: true } }, now);
    expect(policy.revokedRegistrations).toEqual({});
  });

  it("judges a socket by expiry, then revocation of its registration, then the feature", () => {
    const now = Date.now();
    const live = socketOf("t", now - 60_000, now + 60_000);
    const empty = { features: {}, revokedRegistrations: {} };
    expect(socketVerdict(empty, live, "chat", now)).toBeNull();
    expect(socketVerdict(empty, socketOf("t", now - 60_000, now), "chat", now)).toBe(SOCKET_CLOSE.tokenExpired);
    expect(socketVerdict(empty, { ...live, token: undefined }, "chat", now)).toBe(SOCKET_CLOSE.tokenExpired);
    const revoked = { features: {}, revokedRegistrations: { [`${issuer} client-1`]: now - 30_000 } };
    expect(socketVerdict(revoked, live, "chat", now)).toBe(SOCKET_CLOSE.tokenRevoked);
    expect(socketVerdict(revoked, socketOf("t", now - 1_000, now + 60_000), "chat", now)).toBeNull();
    expect(socketVerdict(revoked, socketOf("t", now - 60_000, now + 60_000, "client-2"), "chat", now)).toBeNull();
    const chatOff = { features: { chat: false }, revokedRegistrations: {} };
    expect(socketVerdict(chatOff, live, "chat", now)).toBe(SOCKET_CLOSE.featureDisabled);
    expect(socketVerdict(chatOff, live, "struggleDetection", now)).toBeNull();
  });
});
