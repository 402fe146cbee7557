// A pinned tenant's RPC calls reach the candidate version. Cloudflare's version routing is the
// outside world here: the binding double routes a call by the override header the way the
// platform does (an override naming the Worker wins; anything else gets the deployed default)
// and reports which version answered.
import { env } from "cloudflare:workers";
import { serveRpcOverFetch } from "@atomic-guide/shared/rpc/over-fetch";
import { describe, expect, it } from "vitest";
import { rpcFor } from "./pinned-rpc";
import { pinTenant, unpinTenant } from "./pins";
import { writeRollout } from "./store";

const CANDIDATE = "7d1e4c2b-3f5a-4b6c-8d9e-0a1b2c3d4e5f";

interface Reached {
  version: string;
  via: "rpc" | "fetch";
  args: unknown[];
}

/** struggle-detector as deployed: a default version, and the candidate reachable by override. */
function versionedService(): Fetcher & { openSession(...args: unknown[]): Promise<Reached> } {
  const service = (version: string, via: Reached["via"]) => ({
    async openSession(...args: unknown[]): Promise<Reached> {
      return { version, via, args };
    },
  });
  return {
    async fetch(input: RequestInfo | URL, init?: RequestInit) {
      const request = new Request(input, init);
      const override = request.headers.get("Cloudflare-Workers-Version-Overrides") ?? "";
      const version = override === `atomic-guide-struggle-detector="${CANDIDATE}"` ? CANDIDATE : "default";
      return (await serveRpcOverFetch(request, service(version, "fetch"), ["openSession"])) ?? new Response(null);
    },
    openSession: service("default", "rpc").openSession,
  } as unknown as Fetcher & { openSession(...args: unknown[]): Promise<Reached> };
}

describe("RPC calls and version pins", () => {
  it("sends a pinned tenant's calls to the candidate and everyone else's to the default", async () => {
    const testEnv = { ...env, STRUGGLE_DETECTOR: versionedService() } as Env;
    await writeRollout(env, "struggle-detector", { candidateVersionId: CANDIDATE, tenants: [] });
    await pinTenant(env, "pinned-college");

    type Sd = { openSession(auth: unknown, request: unknown): Promise<Reached> };
    const pinned = await rpcFor<Sd>(testEnv, "struggle-detector", "pinned-college").openSession(
      { tenantId: "pinned-college" },
      { launchId: "l1" },
    );
    const other = await rpcFor<Sd>(testEnv, "struggle-detector", "other-college").openSession(
      { tenantId: "other-college" },
      { launchId: "l2" },
    );
    expect(pinned).toEqual({
      version: CANDIDATE,
      via: "fetch",
      args: [{ tenantId: "pinned-college" }, { launchId: "l1" }],
    });
    expect(other).toEqual({
      version: "default",
      via: "rpc",
      args: [{ tenantId: "other-college" }, { launchId: "l2" }],
    });

    await unpinTenant(env, "pinned-college");
    const after = await rpcFor<Sd>(testEnv, "struggle-detector", "pinned-college").openSession({}, {});
    expect(after.version).toBe("default");
  });
});
