import { describe, expect, it } from "vitest";
import { gateway } from "../lti/test-harness";

describe("the web app's files under /app", () => {
  it("are served with the caller's X-Request-Id, like every response", async () => {
    const res = await gateway("/app/main.css", { headers: { "X-Request-Id": "asset-req-1" } });
    expect(res.status).toBe(200);
    expect(res.headers.get("Content-Type")).toMatch(/^text\/css/);
    expect(res.headers.get("X-Request-Id")).toBe("asset-req-1");
    expect((await res.text()).length).toBeGreaterThan(0);
  });

  it("answer HEAD and a revalidation like the asset layer does", async () => {
    const head = await gateway("/app/main.js", { method: "HEAD" });
    expect(head.status).toBe(200);
    const etag = head.headers.get("ETag");
    expect(etag).toMatch(/\S/);
    const again = await gateway("/app/main.js", { headers: { "If-None-Match": etag as string } });
    expect(again.status).toBe(304);
    expect((await gateway("/app/main.js", { method: "POST" })).status).toBe(404);
  });

  it("answer a missing file, or a malformed escape, with the 404 envelope and a request id", async () => {
    for (const path of ["/app/", "/app/nope.js", "/app/%zz"]) {
      const res = await gateway(path);
      expect(res.status, path).toBe(404);
      expect(res.headers.get("X-Request-Id"), path).toMatch(/\S/);
      expect(await res.json(), path).toMatchObject({ error: { code: "not_found" } });
    }
  });
});
