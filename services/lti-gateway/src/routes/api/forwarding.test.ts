import { env } from "cloudflare:workers";
import { type AuthContext, decodeAuthContext, encodeAuthContext } from "@atomic-guide/shared";
import { describe, expect, it, vi } from "vitest";
import { mintApiToken } from "../../auth/api-token";
import { bearer, claimsFor, tokenFor } from "../../auth/test-tokens";
import { updateFlags } from "../../flags/store";
import {
  call,
  errorOf,
  expectNothingForwarded,
  forwardedTo,
  forwardSpies,
  GATEWAY_404,
  INSTRUCTOR,
  recordBodies,
  type Spies,
  spyOnForwards,
} from "./forward-spies";

spyOnForwards();

describe("forwarding /api to the owning service", () => {
  it.each([
    ["/api/cognitive/__gateway_probe", "struggle-detector"],
    ["/api/learners/me/profile/__gateway_probe", "struggle-detector"],
    ["/api/learners/me/sessions/__gateway_probe", "struggle-detector"],
    ["/api/learners/me/interventions/__gateway_probe", "struggle-detector"],
    ["/api/interventions/__gateway_probe/x", "struggle-detector"],
    ["/api/chat/__gateway_probe", "chat"],
    ["/api/analytics/__gateway_probe", "analytics"],
    ["/api/courses/course-route/__gateway_probe", "analytics"],
  ] as const)("%s reaches %s, which answers itself", async (path, service) => {
    const token = await tokenFor(env, "route", { roles: [INSTRUCTOR], contextId: "course-route" });
    const res = await call(`${path}?cursor=abc&limit=5`, { headers: bearer(token) });
    // The service's own 404 envelope for a route it does not have: the request got through.
    expect(res.status).toBe(404);
    const error = await errorOf(res);
    expect(error.code).toBe("not_found");
    expect(error.message).not.toBe(GATEWAY_404);
    const sent = forwardedTo(service);
    expect(new URL(sent.url).pathname).toBe(path);
    expect(new URL(sent.url).search).toBe("?cursor=abc&limit=5");
    for (const other of Object.keys(forwardSpies()) as (keyof Spies)[]) {
      if (other !== service) expect(forwardSpies()[other]).not.toHaveBeenCalled();
    }
  });

  it("carries the verified caller in X-Atomic-Auth, with the tenant's D1 binding, and drops the bearer token", async () => {
    await env.PLATFORMS.put(
      "tenant:big-uni",
      JSON.stringify({
        tenantId: "big-uni",
        name: "Big",
        d1Binding: "DB_TENANT_BIG",
        createdAt: new Date().toISOString(),
      }),
    );
    const claims = claimsFor("big-uni", { name: "Zoë Ñandú" });
    const { token } = await mintApiToken(env, claims);
    const bodies = recordBodies("struggle-detector");
    const res = await call("/api/cognitive/__gateway_probe", {
      method: "POST",
      headers: { ...bearer(token), "Content-Type": "application/json" },
      body: JSON.stringify({ signals: [] }),
    });
    expect(res.status).toBe(404);
    const sent = forwardedTo("struggle-detector");
    expect(sent.method).toBe("POST");
    expect(bodies).toEqual([JSON.stringify({ signals: [] })]);
    expect(decodeAuthContext(sent.headers.get("X-Atomic-Auth"))).toEqual({
      tenantId: "big-uni",
      userId: "user-big-uni",
      roles: ["http://purl.imsglobal.org/vocab/lis/v2/membership#Learner"],
      isInstructor: false,
      contextId: "course-big-uni",
      name: "Zoë Ñandú",
      // The launch the token came from: the session the caller's first signal opens records it.
      launchId: claims.launchId,
      d1Binding: "DB_TENANT_BIG",
      // The tenant's switches ride along, so the service honours them on its own RPC calls.
      flags: { chat: true, struggleDetection: true, analytics: true },
    });
    expect(sent.headers.get("Authorization")).toBeNull();
    expect(sent.headers.get("Cloudflare-Workers-Version-Key")).toBe("big-uni");
    expect(JSON.parse(sent.headers.get("X-Atomic-Flags") ?? "null")).toMatchObject({ struggleDetection: true });
    // The AI provider is chat's business only.
    expect(sent.headers.get("X-Atomic-Ai-Provider")).toBeNull();
  });

  it("passes the tenant's AI provider to chat", async () => {
    const token = await tokenFor(env, "provider-uni");
    await updateFlags(env, "provider-uni", { aiProvider: "offline" });
    await call("/api/chat/__gateway_probe", { headers: bearer(token) });
    expect(forwardedTo("chat").headers.get("X-Atomic-Ai-Provider")).toBe("offline");
  });

  it("answers an unknown /api route itself with 404, after checking the token", async () => {
    const token = await tokenFor(env, "route");
    const res = await call("/api/nothing-here", { headers: bearer(token) });
    expect(res.status).toBe(404);
    expect((await errorOf(res)).message).toBe(GATEWAY_404);
    expect((await call("/api/nothing-here")).status).toBe(401);
    // Encoded slashes never route: a service could read them as another path.
    expect((await call("/api/chat%2f..%2fcourses/x", { headers: bearer(token) })).status).toBe(404);
    expectNothingForwarded();
  });
});

describe("the API token guards every /api route", () => {
  const paths = ["/api/chat/message", "/api/cognitive/signals", "/api/courses/c/insights", "/api/realtime/ticket"];

  it.each(paths)("%s without a token: 401, nothing forwarded", async (path) => {
    const res = await call(path, { method: "POST", body: "{}" });
    expect(res.status).toBe(401);
    expect((await errorOf(res)).code).toBe("unauthorized");
    expectNothingForwarded();
  });

  it("refuses an expired token", async () => {
    await tokenFor(env, "route");
    vi.useFakeTimers({ toFake: ["Date"] });
    vi.setSystemTime(Date.now() - 2 * 60 * 60 * 1000);
    const { token } = await mintApiToken(env, claimsFor("route"));
    vi.useRealTimers();
    const res = await call("/api/chat/message", { headers: bearer(token) });
    expect(res.status).toBe(401);
    expect((await errorOf(res)).code).toBe("token_expired");
    expectNothingForwarded();
  });

  it("refuses a forged token and a non-Bearer scheme", async () => {
    const token = await tokenFor(env, "route");
    const forged = `${token.slice(0, -4)}AAAA`;
    expect((await call("/api/chat/message", { headers: bearer(forged) })).status).toBe(401);
    expect((await call("/api/chat/message", { headers: { Authorization: `Basic ${token}` } })).status).toBe(401);
    expectNothingForwarded();
  });

  it("never authenticates on a client-sent X-Atomic-Auth alone", async () => {
    const forgedIdentity: AuthContext = { tenantId: "route", userId: "admin", roles: [INSTRUCTOR], isInstructor: true };
    const res = await call("/api/chat/__gateway_probe", {
      headers: { "X-Atomic-Auth": encodeAuthContext(forgedIdentity) },
    });
    expect(res.status).toBe(401);
    expectNothingForwarded();
  });

  it("replaces a client-sent X-Atomic-* or version override with the gateway's own", async () => {
    const token = await tokenFor(env, "route");
    const forgedIdentity: AuthContext = {
      tenantId: "victim",
      userId: "teacher",
      roles: [INSTRUCTOR],
      isInstructor: true,
    };
    await call("/api/chat/__gateway_probe", {
      headers: {
        ...bearer(token),
        "X-Atomic-Auth": encodeAuthContext(forgedIdentity),
        "X-Atomic-Ai-Provider": "external",
        "X-Atomic-Degraded": "read-only",
        "Cloudflare-Workers-Version-Overrides": 'atomic-guide-chat="00000000-0000-4000-8000-000000000000"',
        "Cloudflare-Workers-Version-Key": "victim",
      },
    });
    const sent = forwardedTo("chat");
    const auth = decodeAuthContext(sent.headers.get("X-Atomic-Auth"));
    expect(auth).toMatchObject({ tenantId: "route", userId: "user-route", isInstructor: false });
    expect(sent.headers.get("X-Atomic-Ai-Provider")).toBe("auto");
    expect(sent.headers.get("X-Atomic-Degraded")).toBeNull();
    expect(sent.headers.get("Cloudflare-Workers-Version-Overrides")).toBeNull();
    expect(sent.headers.get("Cloudflare-Workers-Version-Key")).toBe("route");
  });

  it("refuses a valid token whose tenant no longer exists", async () => {
    const { token } = await mintApiToken(env, claimsFor("gone-college"));
    const res = await call("/api/chat/message", { headers: bearer(token) });
    expect(res.status).toBe(401);
    expectNothingForwarded();
  });
});
