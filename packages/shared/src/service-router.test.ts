import { describe, expect, it } from "vitest";
import { serveWithRouter } from "./entrypoint";
import { FLAGS_HEADER } from "./flags";
import { featureGatedRouter } from "./service-router";

const ctx = { waitUntil: () => undefined, passThroughOnException: () => undefined } as unknown as ExecutionContext;

/** A service router with one route under each gated prefix and one outside them. */
function serviceRouter() {
  const router = featureGatedRouter<object>("analytics");
  router.get("/api/thing", () => new Response("api"));
  router.get("/ws/thing", () => new Response("ws"));
  router.get("/other", () => new Response("other"));
  return router;
}

const call = (path: string, flags?: Record<string, unknown>) =>
  serveWithRouter(
    "analytics",
    serviceRouter(),
    new Request(`https://analytics.internal${path}`, {
      headers: flags ? { [FLAGS_HEADER]: JSON.stringify(flags) } : {},
    }),
    { env: {}, ctx },
  );

describe("featureGatedRouter", () => {
  it("refuses /api and /ws routes with 403 feature_disabled when the tenant's flag is off", async () => {
    for (const path of ["/api/thing", "/ws/thing"]) {
      const response = await call(path, { analytics: false });
      expect(response.status).toBe(403);
      expect(((await response.json()) as { error: { code: string } }).error.code).toBe("feature_disabled");
    }
  });

  it("serves them when the flag is on, another flag is off, or no flags were forwarded", async () => {
    expect(await (await call("/api/thing", { analytics: true })).text()).toBe("api");
    expect(await (await call("/ws/thing", { chat: false })).text()).toBe("ws");
    expect(await (await call("/api/thing")).text()).toBe("api");
  });

  it("leaves routes outside /api and /ws alone", async () => {
    expect(await (await call("/other", { analytics: false })).text()).toBe("other");
  });
});
