import { type RunningSystem, startSystem } from "@atomic-guide/testing/system";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const SERVICES = ["lti-gateway", "chat", "struggle-detector", "analytics"] as const;

type Health = {
  status: string;
  services: Record<
    string,
    { status: string; d1?: { status: string }; kv: { status: string }; durableObject: { status: string } }
  >;
};

describe("the four Workers together", () => {
  let system: RunningSystem;
  beforeAll(async () => {
    system = await startSystem();
  });
  afterAll(async () => {
    await system?.dispose();
  });

  it("answers /health from every service's D1, KV and Durable Object over the bindings (the gateway says it has no D1)", async () => {
    const res = await system.fetch("/health");
    const body = (await res.json()) as Health;
    expect(res.status).toBe(200);
    expect(body.status).toBe("ok");
    for (const name of SERVICES) {
      const s = body.services[name];
      expect(s, name).toBeDefined();
      expect({ name, d1: s!.d1?.status, kv: s!.kv.status, durableObject: s!.durableObject.status }).toEqual({
        name,
        d1: "ok",
        kv: "ok",
        durableObject: "ok",
      });
    }
  });

  it("echoes a caller's request id and mints one otherwise", async () => {
    const echoed = await system.fetch("/health", { headers: { "X-Request-Id": "trace-42" } });
    expect(echoed.headers.get("X-Request-Id")).toBe("trace-42");
    const minted = await system.fetch("/health", { headers: { "X-Request-Id": "bad id with spaces" } });
    expect(minted.headers.get("X-Request-Id")).toMatch(/^[0-9a-f-]{36}$/);
  });

  it("serves the web app's files through the gateway, with the caller's request id", async () => {
    const js = await system.fetch("/app/main.js", { headers: { "X-Request-Id": "asset-7" } });
    expect(js.status, await js.clone().text()).toBe(200);
    expect(js.headers.get("Content-Type")).toMatch(/^text\/javascript/);
    expect(js.headers.get("X-Request-Id")).toBe("asset-7");
    expect((await js.text()).length).toBeGreaterThan(1000);
    const missing = await system.fetch("/app/missing.js");
    expect(missing.status).toBe(404);
    expect(missing.headers.get("X-Request-Id")).toMatch(/^[0-9a-f-]{36}$/);
  });

  it("answers unknown routes with the error envelope", async () => {
    const res = await system.fetch("/nowhere");
    expect(res.status).toBe(404);
    expect(await res.json()).toEqual({ error: { code: "not_found", message: expect.any(String) } });
  });

  it("reports degraded when one service's D1 loses its schema", async () => {
    const db = await system.db("struggle-detector");
    const saved = await db.prepare("SELECT name FROM d1_migrations").all<{ name: string }>();
    await db.prepare("DELETE FROM d1_migrations").run();
    try {
      // The gateway caches its report for a few seconds (a cheap /health under abuse): wait
      // for the next one rather than for a fixed time.
      const report = async () => (await (await system.fetch("/health")).json()) as Health;
      await expect.poll(async () => (await report()).status, { timeout: 30_000, interval: 500 }).toBe("degraded");
      const body = await report();
      expect(body.services["struggle-detector"]!.d1?.status).toBe("down");
      expect(body.services.chat!.d1?.status).toBe("ok");
    } finally {
      for (const row of saved.results)
        await db.prepare("INSERT INTO d1_migrations (name) VALUES (?)").bind(row.name).run();
    }
  });
});
