// Runs inside workerd, in each service's own tests: what every service's entrypoint answers
// the same way (its health over RPC, an unknown route over HTTP).
import { env, exports } from "cloudflare:workers";
import type { ServiceHealth } from "@atomic-guide/shared";
import { describe, expect, it } from "vitest";

interface ServiceEntrypoint {
  health(): Promise<ServiceHealth>;
  fetch(request: Request): Promise<Response>;
}

export function describeServiceEntrypoint(service: string): void {
  const entry = exports.default as unknown as ServiceEntrypoint;
  const db = (env as unknown as { DB: D1Database }).DB;

  describe(`${service} service`, () => {
    it("reports D1, KV and its Durable Object healthy once migrated", async () => {
      const health = await entry.health();
      expect(health.status).toBe("ok");
      expect(health.d1?.status).toBe("ok");
      expect(health.kv.status).toBe("ok");
      expect(health.durableObject.status).toBe("ok");
    });

    it("reports D1 down when the schema is missing", async () => {
      await db.prepare("DELETE FROM d1_migrations").run();
      const health = await entry.health();
      expect(health.status).toBe("degraded");
      expect(health.d1?.status).toBe("down");
    });

    it("answers unknown routes with the error envelope and a request id", async () => {
      const res = await entry.fetch(new Request(`http://${service}/nope`, { headers: { "X-Request-Id": "abc-123" } }));
      expect(res.status).toBe(404);
      expect(res.headers.get("X-Request-Id")).toBe("abc-123");
      expect(await res.json()).toEqual({ error: { code: "not_found", message: expect.any(String) } });
    });
  });
}
