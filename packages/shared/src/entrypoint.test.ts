import { describe, expect, it } from "vitest";
import { serveWithRouter } from "./entrypoint";
import { ApiError } from "./errors";

const ctx = { waitUntil: () => undefined, passThroughOnException: () => undefined } as unknown as ExecutionContext;

describe("serveWithRouter", () => {
  it("passes the request, env and handler context to the router and tags the response", async () => {
    const env = { NAME: "env" };
    const seen: unknown[] = [];
    const response = await serveWithRouter(
      "chat",
      {
        fetch: async (request, e, _ctx, hctx) => {
          seen.push(new URL(request.url).pathname, e, hctx.requestId);
          return new Response("ok");
        },
      },
      new Request("https://chat.internal/api/chat/x", { headers: { "X-Request-Id": "req-1" } }),
      { env, ctx },
    );
    expect(await response.text()).toBe("ok");
    expect(seen).toEqual(["/api/chat/x", env, "req-1"]);
    expect(response.headers.get("X-Request-Id")).toBe("req-1");
  });

  it("answers what the router throws with the error envelope", async () => {
    const response = await serveWithRouter(
      "chat",
      {
        fetch: async () => {
          throw new ApiError(404, "not_found", "Not found.");
        },
      },
      new Request("https://chat.internal/api/nothing"),
      { env: {}, ctx },
    );
    expect(response.status).toBe(404);
    expect(await response.json()).toEqual({ error: { code: "not_found", message: "Not found." } });
  });
});
