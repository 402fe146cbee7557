// Per-tenant policy on forwards: version pins, feature flags, instructor-only insight, and the
// request bodies that reach a service.
import { env } from "cloudflare:workers";
import { decodeAuthContext } from "@atomic-guide/shared";
import { afterEach, describe, expect, it } from "vitest";
import { bearer, tokenFor } from "../../auth/test-tokens";
import { updateFlags } from "../../flags/store";
import { pinTenant } from "../../rollout/pins";
import { clearRollout, writeRollout } from "../../rollout/store";
import {
  call,
  errorOf,
  expectNothingForwarded,
  forwardedTo,
  forwardSpies,
  INSTRUCTOR,
  recordBodies,
  spyOnForwards,
} from "./forward-spies";

spyOnForwards();

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

    forwardSpies().chat.mockClear();
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
    expect(Object.values(forwardSpies()).some((s) => s.mock.calls.length === 1)).toBe(true);

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
