import { env, exports } from "cloudflare:workers";
import { afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { ensureTenant } from "../tenants/store";
import { DEFAULT_FLAGS, flagsKey, getFlags } from "./store";

const ADMIN = { Authorization: `Bearer ${env.ADMIN_TOKEN}` };

function flagsRequest(
  tenantId: string,
  init: { method?: string; body?: string; headers?: Record<string, string> } = {},
) {
  return exports.default.fetch(
    new Request(`http://localhost/admin/tenants/${tenantId}/flags`, {
      method: init.method ?? "GET",
      headers: { ...ADMIN, "Content-Type": "application/json", ...init.headers },
      ...(init.body === undefined ? {} : { body: init.body }),
    }),
  );
}

beforeAll(async () => {
  await ensureTenant(env, { tenantId: "flag-a", name: "Flag A" });
  await ensureTenant(env, { tenantId: "flag-b", name: "Flag B" });
  await ensureTenant(env, { tenantId: "flag-c", name: "Flag C" });
});

describe("/admin/tenants/:tenantId/flags", () => {
  it("answers the defaults (all on, provider auto) for a tenant that never set any", async () => {
    const res = await flagsRequest("flag-a");
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({
      chat: true,
      struggleDetection: true,
      analytics: true,
      aiProvider: "auto",
      insightMinGroupSize: 0,
    });
  });

  it("PUT changes only the flags named, keeps the rest, and stores the result in KV", async () => {
    const res = await flagsRequest("flag-b", { method: "PUT", body: JSON.stringify({ chat: false }) });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ ...DEFAULT_FLAGS, chat: false });
    const second = await flagsRequest("flag-b", { method: "PUT", body: JSON.stringify({ aiProvider: "offline" }) });
    expect(await second.json()).toEqual({ ...DEFAULT_FLAGS, chat: false, aiProvider: "offline" });
    expect(await env.FLAGS.get(flagsKey("flag-b"), "json")).toEqual({
      ...DEFAULT_FLAGS,
      chat: false,
      aiProvider: "offline",
    });
    expect(await (await flagsRequest("flag-b")).json()).toEqual({
      ...DEFAULT_FLAGS,
      chat: false,
      aiProvider: "offline",
    });
    // Another tenant is untouched.
    expect(await (await flagsRequest("flag-a")).json()).toEqual(DEFAULT_FLAGS);
  });

  it("a GET body can be PUT back unchanged (full replacement)", async () => {
    const full = {
      chat: true,
      struggleDetection: false,
      analytics: false,
      aiProvider: "workers-ai",
      insightMinGroupSize: 3,
    };
    const res = await flagsRequest("flag-c", { method: "PUT", body: JSON.stringify(full) });
    expect(await res.json()).toEqual(full);
    const again = await flagsRequest("flag-c", { method: "PUT", body: await (await flagsRequest("flag-c")).text() });
    expect(await again.json()).toEqual(full);
  });

  it.each([
    ["an unknown key", JSON.stringify({ chat: true, voice: true })],
    ["a wrong type", JSON.stringify({ chat: "yes" })],
    ["an unknown provider", JSON.stringify({ aiProvider: "gpt" })],
    ["an empty object", "{}"],
    ["an array", "[]"],
    ["malformed JSON", "{chat: false"],
  ])("refuses %s with 400 and changes nothing", async (_name, body) => {
    const before = await env.FLAGS.get(flagsKey("flag-a"));
    const res = await flagsRequest("flag-a", { method: "PUT", body });
    expect(res.status).toBe(400);
    const envelope = (await res.json()) as { error: { code: string; message: string } };
    expect(envelope.error.code).toMatch(/^invalid_/);
    expect(await env.FLAGS.get(flagsKey("flag-a"))).toBe(before);
  });

  it("refuses a body over 256 KiB with 413", async () => {
    const res = await flagsRequest("flag-a", {
      method: "PUT",
      body: JSON.stringify({ chat: true, pad: "x".repeat(300_000) }),
    });
    expect(res.status).toBe(413);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe("payload_too_large");
  });

  it("answers 404 for a tenant that does not exist, and stores nothing for it", async () => {
    const get = await flagsRequest("no-such-tenant");
    expect(get.status).toBe(404);
    const put = await flagsRequest("no-such-tenant", { method: "PUT", body: JSON.stringify({ chat: false }) });
    expect(put.status).toBe(404);
    expect(((await put.json()) as { error: { code: string } }).error.code).toBe("tenant_not_found");
    expect(await env.FLAGS.get(flagsKey("no-such-tenant"))).toBeNull();
  });

  it("requires the operator token", async () => {
    const res = await flagsRequest("flag-a", { headers: { Authorization: "Bearer wrong" } });
    expect(res.status).toBe(401);
    const put = await flagsRequest("flag-a", {
      method: "PUT",
      body: JSON.stringify({ chat: false }),
      headers: { Authorization: "" },
    });
    expect(put.status).toBe(401);
    expect((await getFlags(env, "flag-a")).chat).toBe(true);
  });
});

describe("getFlags", () => {
  it("reads a stored record leniently: a flag missing from it takes its default", async () => {
    await ensureTenant(env, { tenantId: "flag-old", name: "Old record" });
    await env.FLAGS.put(flagsKey("flag-old"), JSON.stringify({ chat: false }));
    expect(await getFlags(env, "flag-old")).toEqual({ ...DEFAULT_FLAGS, chat: false });
  });

  it("treats a corrupt record as the defaults rather than failing every request", async () => {
    await env.FLAGS.put(flagsKey("flag-corrupt"), JSON.stringify({ chat: "off" }));
    expect(await getFlags(env, "flag-corrupt")).toEqual(DEFAULT_FLAGS);
  });

  describe("when KV cannot be read", () => {
    const unreadable = { ...env, FLAGS: { get: () => Promise.reject(new Error("KV down")) } } as unknown as Env;

    afterEach(() => {
      vi.useRealTimers();
    });

    it("serves the isolate's last copy, even past its 10 s, rather than failing the tenant's API", async () => {
      await env.FLAGS.put(flagsKey("flag-kv-down"), JSON.stringify({ chat: false }));
      expect((await getFlags(env, "flag-kv-down")).chat).toBe(false);
      vi.useFakeTimers({ toFake: ["Date"] });
      vi.setSystemTime(Date.now() + 60_000);
      expect(await getFlags(unreadable, "flag-kv-down")).toEqual({ ...DEFAULT_FLAGS, chat: false });
    });

    it("answers 503 flags_unavailable for a tenant it holds no copy of: it never guesses a flag on", async () => {
      await expect(getFlags(unreadable, "flag-never-read")).rejects.toMatchObject({
        status: 503,
        code: "flags_unavailable",
      });
    });
  });
});
