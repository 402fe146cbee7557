import { describe, expect, it } from "vitest";
import { gateway } from "../lti/test-harness";

describe("HEAD", () => {
  it("answers as GET would, without the body: /health, an app file, an unknown route", async () => {
    const health = await gateway("/health", { method: "HEAD", headers: { "X-Request-Id": "probe-1" } });
    expect(health.status).toBe(200);
    expect(health.headers.get("X-Request-Id")).toBe("probe-1");
    expect(health.headers.get("Content-Type")).toMatch(/^application\/json/);
    expect(await health.text()).toBe("");

    const asset = await gateway("/app/main.js", { method: "HEAD" });
    expect(asset.status).toBe(200);
    expect(asset.headers.get("Content-Type")).toMatch(/^text\/javascript/);
    expect(await asset.text()).toBe("");

    const missing = await gateway("/nowhere", { method: "HEAD" });
    expect(missing.status).toBe(404);
    expect(await missing.text()).toBe("");
  });

  it("needs the same credentials as GET", async () => {
    expect((await gateway("/api/learners/me/profile", { method: "HEAD" })).status).toBe(401);
    expect((await gateway("/admin/platforms", { method: "HEAD" })).status).toBe(401);
  });
});
