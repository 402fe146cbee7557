import { env } from "cloudflare:workers";
import { afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import type { SimulatedPlatform } from "../../../../tests/support/lti-platform";
import { forgetHeldJwks, jwksCacheKey } from "./platform-jwks";
import { canvasAt, launch, register } from "./test-harness";

let brightspace: SimulatedPlatform;

beforeAll(async () => {
  brightspace = await canvasAt("https://d2l.held-fetch.edu", "held-fetch-client");
  await register(brightspace, { tenantId: "held-fetch" });
});
afterEach(() => vi.restoreAllMocks());

describe("the platform's JWKS fetch", () => {
  it("belongs to the launch that made it: another launch never waits on it", async () => {
    await env.PLATFORMS.delete(await jwksCacheKey(brightspace.jwksUri));
    forgetHeldJwks();
    let release!: () => void;
    const held = new Promise<void>((resolve) => {
      release = resolve;
    });
    let jwksFetches = 0;
    const real = globalThis.fetch.bind(globalThis);
    vi.spyOn(globalThis, "fetch").mockImplementation(async (input, init) => {
      const request = new Request(input, init);
      // The first launch's JWKS download stalls until released: a slow platform, or a request
      // torn down mid-fetch, whose promise would then never settle.
      if (request.url === brightspace.jwksUri && ++jwksFetches === 1) await held;
      return (await brightspace.handle(request)) ?? real(input, init);
    });

    let firstSettled = false;
    const first = launch(brightspace).finally(() => {
      firstSettled = true;
    });
    await vi.waitUntil(() => jwksFetches === 1, { timeout: 10_000, interval: 10 });
    // Shared in-flight fetches made this launch wait for the stalled one.
    const second = await launch(brightspace);
    expect(second.response.status).toBe(200);
    expect(firstSettled).toBe(false);
    expect(jwksFetches).toBe(2);

    release();
    expect((await first).response.status).toBe(200);
  });
});
