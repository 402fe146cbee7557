import { env, exports } from "cloudflare:workers";
import { describe, expect, it, vi } from "vitest";
import { getRegistration, putRegistration } from "../lti/registry";
import { bearer, claimsFor, tokenFor } from "./test-tokens";

const call = (path: string, init: RequestInit = {}) =>
  exports.default.fetch(new Request(`http://localhost${path}`, init));

async function codeOf(res: Response) {
  return ((await res.json()) as { error: { code: string } }).error.code;
}

describe("API token revocation (issue 13 finding 9)", () => {
  it("voids every token of a learner at erasure; a new launch works again", async () => {
    const token = await tokenFor(env, "revoke-erase", { userId: "erased-learner" });
    const bystander = await tokenFor(env, "revoke-erase", { userId: "other-learner" });
    expect((await call("/api/learners/me/profile", { headers: bearer(token) })).status).toBe(200);
    expect((await call("/api/learners/me", { method: "DELETE", headers: bearer(token) })).status).toBe(202);

    for (const [method, path] of [
      ["GET", "/api/learners/me/profile"],
      ["GET", "/api/learners/me/export"],
      ["POST", "/api/realtime/ticket"],
    ]) {
      const res = await call(path as string, { method, headers: bearer(token) });
      expect(res.status, path).toBe(401);
      expect(await codeOf(res)).toBe("token_revoked");
    }
    // Only that learner: a classmate's token still works.
    expect((await call("/api/learners/me/profile", { headers: bearer(bystander) })).status).toBe(200);
    // A launch after the erasure (a second later on the test's clock: iat is whole seconds) is let in.
    vi.useFakeTimers({ toFake: ["Date"] });
    try {
      vi.setSystemTime(Date.now() + 1000);
      const relaunched = await tokenFor(env, "revoke-erase", { userId: "erased-learner" });
      expect((await call("/api/learners/me/profile", { headers: bearer(relaunched) })).status).toBe(200);
    } finally {
      vi.useRealTimers();
    }
  });

  it("refuses a ticket taken before the erasure when the socket opens after it", async () => {
    const token = await tokenFor(env, "revoke-ticket", { userId: "ticket-learner" });
    const issued = await call("/api/realtime/ticket", { method: "POST", headers: bearer(token) });
    const { ticket } = (await issued.json()) as { ticket: string };
    expect((await call("/api/learners/me", { method: "DELETE", headers: bearer(token) })).status).toBe(202);
    const socket = await call(`/ws/signals?ticket=${ticket}`, { headers: { Upgrade: "websocket" } });
    expect(socket.status).toBe(401);
    expect(await codeOf(socket)).toBe("token_revoked");
  });

  it("voids the tokens of a registration that is deactivated or deleted", async () => {
    const claims = claimsFor("revoke-reg", { issuer: "https://revoked.example.edu", clientId: "client-r" });
    const token = await tokenFor(env, "revoke-reg", claims);
    expect((await call("/api/learners/me/profile", { headers: bearer(token) })).status).toBe(200);
    const registration = await getRegistration(env, claims.issuer, claims.clientId);
    if (!registration) throw new Error("tokenFor registered the platform");
    await putRegistration(env, { ...registration, status: "pending" });
    const res = await call("/api/learners/me/profile", { headers: bearer(token) });
    expect(res.status).toBe(401);
    expect(await codeOf(res)).toBe("token_revoked");
    await env.PLATFORMS.delete(
      `registration:${encodeURIComponent(claims.issuer)}:${encodeURIComponent(claims.clientId)}`,
    );
    expect((await call("/api/learners/me/profile", { headers: bearer(token) })).status).toBe(401);
  });
});
