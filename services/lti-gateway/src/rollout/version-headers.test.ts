import { env } from "cloudflare:workers";
import { workerNameOf } from "@atomic-guide/shared/rpc/version-pins";
import { describe, expect, it } from "vitest";
import { rolloutKey } from "./record";
import { clearRollout, readRollout, writeRollout } from "./store";
import { versionHeaders } from "./version-headers";

const CANDIDATE = "5f0c3e0a-8d7e-4c1b-9a51-2f0e6f4f8a10";

describe("versionHeaders", () => {
  it("keys every tenant's requests by its tenant id when nothing is pinned", async () => {
    await clearRollout(env, "chat");
    expect(await versionHeaders(env, "chat", "acme")).toEqual({ "Cloudflare-Workers-Version-Key": "acme" });
  });

  it("overrides the version only for tenants named in the service's rollout record", async () => {
    await writeRollout(env, "chat", { candidateVersionId: CANDIDATE, tenants: ["pilot-u", "pilot-v"] });
    expect(await versionHeaders(env, "chat", "pilot-v")).toEqual({
      "Cloudflare-Workers-Version-Key": "pilot-v",
      "Cloudflare-Workers-Version-Overrides": `atomic-guide-chat="${CANDIDATE}"`,
    });
    expect(await versionHeaders(env, "chat", "other-college")).toEqual({
      "Cloudflare-Workers-Version-Key": "other-college",
    });
  });

  it("pins a tenant for one service without touching another service's routing", async () => {
    await writeRollout(env, "analytics", { candidateVersionId: CANDIDATE, tenants: ["pilot-a"] });
    await clearRollout(env, "struggle-detector");
    expect((await versionHeaders(env, "analytics", "pilot-a"))["Cloudflare-Workers-Version-Overrides"]).toBe(
      `atomic-guide-analytics="${CANDIDATE}"`,
    );
    expect(await versionHeaders(env, "struggle-detector", "pilot-a")).toEqual({
      "Cloudflare-Workers-Version-Key": "pilot-a",
    });
  });

  it("stops overriding once the record is cleared (what a rollback does)", async () => {
    await writeRollout(env, "chat", { candidateVersionId: CANDIDATE, tenants: ["pilot-u"] });
    await clearRollout(env, "chat");
    expect(await versionHeaders(env, "chat", "pilot-u")).toEqual({ "Cloudflare-Workers-Version-Key": "pilot-u" });
    expect(await env.FLAGS.get(rolloutKey("chat"))).toBeNull();
  });

  it("keeps the key but sets no override for a service it cannot steer", async () => {
    expect(await versionHeaders(env, "lti-gateway", "acme")).toEqual({ "Cloudflare-Workers-Version-Key": "acme" });
  });

  it("names the Worker as wrangler does in each environment", () => {
    expect(workerNameOf("development", "chat")).toBe("atomic-guide-chat");
    expect(workerNameOf("staging", "struggle-detector")).toBe("atomic-guide-struggle-detector-staging");
    expect(workerNameOf("production", "analytics")).toBe("atomic-guide-analytics-production");
  });
});

describe("readRollout", () => {
  // struggle-detector has not been read yet in this file, so no isolate cache entry hides KV.
  it("treats a malformed record in KV as no rollout rather than failing requests", async () => {
    await env.FLAGS.put(rolloutKey("struggle-detector"), JSON.stringify({ candidateVersionId: "x", tenants: "all" }));
    expect(await readRollout(env, "struggle-detector")).toBeNull();
  });
});
