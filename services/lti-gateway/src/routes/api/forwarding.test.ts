import { env, exports } from "cloudflare:workers";
import { type AuthContext, decodeAuthContext, encodeAuthContext } from "@atomic-guide/shared";
import { afterEach, beforeEach, describe, expect, it, type MockInstance, vi } from "vitest";
import { mintApiToken } from "../../auth/api-token";
import { bearer, claimsFor, tokenFor } from "../../auth/test-tokens";
import { updateFlags } from "../../flags/store";
import { pinTenant } from "../../rollout/pins";
import { clearRollout, writeRollout } from "../../rollout/store";

const INSTRUCTOR = "http://purl.imsglobal.org/vocab/lis/v2/membership#Instructor";
const GATEWAY_404 = "No such API route.";

type Spies = Record<"chat" | "struggle-detector" | "analytics", MockInstance<Fetcher["fetch"]>>;
let spies: Spies;
const realFetch = {
  chat: env.CHAT.fetch.bind(env.CHAT),
  "struggle-detector": env.STRUGGLE_DETECTOR.fetch.bind(env.STRUGGLE_DETECTOR),
};

// The real services answer; the spies only record what the gateway sent them.
beforeEach(() => {
  spies = {
    chat: vi.spyOn(env.CHAT, "fetch"),
    "struggle-detector": vi.spyOn(env.STRUGGLE_DETECTOR, "fetch"),
    analytics: vi.spyOn(env.ANALYTICS, "fetch"),
  };
});
afterEach(() => {
  vi.restoreAllMocks();
});

function call(path: string, init: RequestInit = {}) {
  return exports.default.fetch(new Request(`http://localhost${path}`, init));
}

function forwardedTo(service: keyof Spies): Request {
  expect(spies[service]).toHaveBeenCalledTimes(1);
  const sent = spies[service].mock.calls[0]?.[0];
  if (!(sent instanceof Request)) throw new Error("the gateway did not forward a Request");
  return sent;
}

/** Records the bodies a service receives, still passing each request on to the real service. */
function recordBodies(service: "chat" | "struggle-detector"): string[] {
  const real = realFetch[service];
  const bodies: string[] = [];
  spies[service].mockImplementation(async (input, init) => {
    if (input instanceof Request) bodies.push(await input.clone().text());
    return real(input, init);
  });
  return bodies;
}

function expectNothingForwarded() {
  for (const spy of Object.values(spies)) expect(spy).not.toHaveBeenCalled();
}

async function errorOf(res: Response) {
  return ((await res.json()) as { error: { code: string; message: string } }).error;
}

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
    for (const other of Object.keys(spies) as (keyof Spies)[]) {
      if (other !== service) expect(spies[other]).not.toHaveBeenCalled();
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
    const { token } = await mintApiToken(env, claimsFor("big-uni", { name: "Zoë Ñandú" }));
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

describe("version pins on forwards", () => {
  const CANDIDATE = "3b0f3c56-2c1e-4c47-9a8e-5d2f7a1b9c04";
  afterEach(async () => {
    await clearRollout(env, "chat");
  });

  it("send a pinned tenant to the candidate and carry its pins to the service for the calls it makes", async () => {
    await writeRollout(env, "chat", { candidateVersionId: CANDIDATE, tenants: [] });
    await pinTenant(env, "pinned-u");
    const pinned = await tokenFor(env, "pinned-u");
    await call("/api/chat/__gateway_probe", { headers: bearer(pinned) });
    const sent = forwardedTo("chat");
    expect(sent.headers.get("Cloudflare-Workers-Version-Overrides")).toBe(`atomic-guide-chat="${CANDIDATE}"`);
    expect(decodeAuthContext(sent.headers.get("X-Atomic-Auth")).pins).toEqual({ chat: CANDIDATE });

    spies.chat.mockClear();
    const other = await tokenFor(env, "unpinned-u");
    await call("/api/chat/__gateway_probe", { headers: bearer(other) });
    const plain = forwardedTo("chat");
    expect(plain.headers.get("Cloudflare-Workers-Version-Overrides")).toBeNull();
    expect(decodeAuthContext(plain.headers.get("X-Atomic-Auth")).pins).toBeUndefined();
  });
});

describe("feature flags per tenant", () => {
  it.each([
    ["chat", "/api/chat/__gateway_probe"],
    ["struggleDetection", "/api/cognitive/__gateway_probe"],
    ["struggleDetection", "/api/learners/me/profile"],
    ["analytics", "/api/analytics/__gateway_probe"],
  ] as const)("%s off answers %s with 403 for that tenant only", async (flag, path) => {
    const off = `off-${flag.toLowerCase()}`;
    const offToken = await tokenFor(env, off, { roles: [INSTRUCTOR] });
    const onToken = await tokenFor(env, "flags-on", { roles: [INSTRUCTOR] });
    await updateFlags(env, off, { [flag]: false });

    const refused = await call(path, { headers: bearer(offToken) });
    expect(refused.status).toBe(403);
    expect((await errorOf(refused)).code).toBe("feature_disabled");
    expectNothingForwarded();

    const allowed = await call(path, { headers: bearer(onToken) });
    expect(allowed.status).not.toBe(403);
    expect(Object.values(spies).some((s) => s.mock.calls.length === 1)).toBe(true);

    await updateFlags(env, off, { [flag]: true });
    expect((await call(path, { headers: bearer(offToken) })).status).not.toBe(403);
  });

  it("keeps the privacy routes open whatever the flags say", async () => {
    const token = await tokenFor(env, "all-off");
    await updateFlags(env, "all-off", { chat: false, struggleDetection: false, analytics: false });
    const res = await call("/api/learners/me/export", { headers: bearer(token) });
    expect(res.status).not.toBe(403);
  });
});

describe("instructor insight", () => {
  it("refuses a learner with 403 at the gateway", async () => {
    const token = await tokenFor(env, "insight");
    const res = await call("/api/courses/course-insight/insights", { headers: bearer(token) });
    expect(res.status).toBe(403);
    expect((await errorOf(res)).code).toBe("instructor_only");
    expect((await call("/api/analytics/overview", { headers: bearer(token) })).status).toBe(403);
    expectNothingForwarded();
  });

  it("sets analytics' small-group threshold from the tenant's settings, never from the client", async () => {
    const token = await tokenFor(env, "suppressed-uni", { roles: [INSTRUCTOR], contextId: "course-k" });
    await updateFlags(env, "suppressed-uni", { insightMinGroupSize: 5 });
    await call("/api/courses/course-k/insights", {
      headers: { ...bearer(token), "X-Atomic-Insight-Min-Group": "0" },
    });
    expect(forwardedTo("analytics").headers.get("X-Atomic-Insight-Min-Group")).toBe("5");
  });

  it("answers 404 for a course other than the one the token was launched from", async () => {
    const token = await tokenFor(env, "insight", { roles: [INSTRUCTOR], contextId: "course-a" });
    const res = await call("/api/courses/course-b/insights", { headers: bearer(token) });
    expect(res.status).toBe(404);
    expectNothingForwarded();
    await call("/api/courses/course-a/__gateway_probe", { headers: bearer(token) });
    expect(new URL(forwardedTo("analytics").url).pathname).toBe("/api/courses/course-a/__gateway_probe");
  });
});

describe("request bodies", () => {
  it("refuses a body over 256 KiB with 413 before forwarding", async () => {
    const token = await tokenFor(env, "bodies");
    const res = await call("/api/chat/message", {
      method: "POST",
      headers: { ...bearer(token), "Content-Type": "application/json" },
      body: JSON.stringify({ message: "x".repeat(300 * 1024) }),
    });
    expect(res.status).toBe(413);
    expect((await errorOf(res)).code).toBe("payload_too_large");
    expectNothingForwarded();
  });

  it("refuses a declared Content-Length over 256 KiB without reading the stream", async () => {
    const token = await tokenFor(env, "bodies");
    const size = 300 * 1024;
    const body = new Blob([new Uint8Array(size)]).stream();
    const res = await call("/api/chat/message", {
      method: "POST",
      headers: { ...bearer(token), "Content-Length": String(size) },
      body,
    });
    expect(res.status).toBe(413);
    expectNothingForwarded();
  });

  it("streams a body with a declared length through to the service", async () => {
    const token = await tokenFor(env, "bodies");
    const text = JSON.stringify({ message: "z".repeat(100 * 1024) });
    const bytes = new TextEncoder().encode(text);
    const bodies = recordBodies("chat");
    const res = await call("/api/chat/__gateway_probe", {
      method: "POST",
      headers: { ...bearer(token), "Content-Length": String(bytes.byteLength), "Content-Type": "application/json" },
      body: new Blob([bytes]).stream(),
    });
    expect(res.status).toBe(404);
    expect(bodies).toEqual([text]);
    expect(forwardedTo("chat").headers.get("Content-Length")).toBe(String(bytes.byteLength));
  });

  it("forwards a body just under the limit whole", async () => {
    const token = await tokenFor(env, "bodies");
    const body = JSON.stringify({ message: "y".repeat(250 * 1024) });
    const bodies = recordBodies("chat");
    const res = await call("/api/chat/__gateway_probe", { method: "POST", headers: bearer(token), body });
    expect(res.status).toBe(404);
    expect(bodies).toEqual([body]);
  });
});
