import { env, exports } from "cloudflare:workers";
import { describe, expect, it } from "vitest";

describe("struggle-detector service", () => {
  it("reports D1, KV and its Durable Object healthy once migrated", async () => {
    const health = await exports.default.health();
    expect(health.status).toBe("ok");
    expect(health.d1.status).toBe("ok");
    expect(health.kv.status).toBe("ok");
    expect(health.durableObject.status).toBe("ok");
  });

  it("reports D1 down when the schema is missing", async () => {
    await env.DB.prepare("DELETE FROM d1_migrations").run();
    const health = await exports.default.health();
    expect(health.status).toBe("degraded");
    expect(health.d1.status).toBe("down");
  });

  it("answers unknown routes with the error envelope and a request id", async () => {
    const res = await exports.default.fetch(
      new Request("http://struggle-detector/nope", { headers: { "X-Request-Id": "abc-123" } }),
    );
    expect(res.status).toBe(404);
    expect(res.headers.get("X-Request-Id")).toBe("abc-123");
    expect(await res.json()).toEqual({ error: { code: "not_found", message: expect.any(String) } });
  });
});
