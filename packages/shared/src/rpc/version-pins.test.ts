// A pinned tenant's calls reach the candidate version. Cloudflare's version routing is the
// outside world here: the binding double routes a call by the override header the way the
// platform does (an override naming the Worker wins; anything else gets the deployed default)
// and reports which version answered and how.
import { describe, expect, it } from "vitest";
import { ApiError } from "../errors";
import { serveRpcOverFetch } from "./over-fetch";
import { pinnedBinding, versionHeadersFor, workerNameOf } from "./version-pins";

const CANDIDATE = "7d1e4c2b-3f5a-4b6c-8d9e-0a1b2c3d4e5f";

interface Reached {
  version: string;
  via: "rpc" | "fetch";
  key: string | null;
  args: unknown[];
}

type Sd = { openSession(auth: unknown, request: unknown): Promise<Reached> };

/** struggle-detector as deployed in `environment`: a default version, and the candidate by override. */
function versionedService(environment = "production"): Fetcher {
  const service = (version: string, via: Reached["via"], key: string | null) => ({
    async openSession(...args: unknown[]): Promise<Reached> {
      return { version, via, key, args };
    },
  });
  return {
    async fetch(input: RequestInfo | URL, init?: RequestInit) {
      const request = new Request(input, init);
      const override = request.headers.get("Cloudflare-Workers-Version-Overrides") ?? "";
      const named = `${workerNameOf(environment, "struggle-detector")}="${CANDIDATE}"`;
      const version = override === named ? CANDIDATE : "default";
      const key = request.headers.get("Cloudflare-Workers-Version-Key");
      return (await serveRpcOverFetch(request, service(version, "fetch", key), ["openSession"])) ?? new Response(null);
    },
    openSession: service("default", "rpc", null).openSession,
  } as unknown as Fetcher;
}

describe("calls for a pinned tenant", () => {
  it("reach the candidate over fetch, with the tenant's affinity key and the same arguments", async () => {
    const caller = { tenantId: "pinned-college", pins: { "struggle-detector": CANDIDATE } };
    const reached = await pinnedBinding<Sd>(versionedService(), "struggle-detector", caller, "production").openSession(
      caller,
      { launchId: "l1" },
    );
    expect(reached).toEqual({
      version: CANDIDATE,
      via: "fetch",
      key: "pinned-college",
      args: [caller, { launchId: "l1" }],
    });
  });

  it("go by plain RPC to the default for a tenant pinned nowhere, or pinned on another service only", async () => {
    const binding = versionedService();
    for (const caller of [{ tenantId: "other" }, { tenantId: "other", pins: { chat: CANDIDATE } }]) {
      const reached = await pinnedBinding<Sd>(binding, "struggle-detector", caller, "production").openSession({}, {});
      expect(reached).toMatchObject({ version: "default", via: "rpc" });
    }
  });

  it("names the Worker as wrangler does in each environment", () => {
    expect(workerNameOf("development", "chat")).toBe("atomic-guide-chat");
    expect(workerNameOf("staging", "struggle-detector")).toBe("atomic-guide-struggle-detector-staging");
    expect(workerNameOf("production", "analytics")).toBe("atomic-guide-analytics-production");
    expect(versionHeadersFor("staging", "chat", { tenantId: "t", pins: { chat: CANDIDATE } })).toEqual({
      "Cloudflare-Workers-Version-Key": "t",
      "Cloudflare-Workers-Version-Overrides": `atomic-guide-chat-staging="${CANDIDATE}"`,
    });
  });

  it("carries the service's errors back as the same ApiError", async () => {
    const failing = {
      fetch: async (input: RequestInfo | URL, init?: RequestInit) =>
        (await serveRpcOverFetch(
          new Request(input, init),
          {
            openSession() {
              throw new ApiError(403, "feature_disabled", "Chat is turned off for this institution.");
            },
          },
          ["openSession"],
        )) ?? new Response(null),
    } as unknown as Fetcher;
    const call = pinnedBinding<Sd>(
      failing,
      "struggle-detector",
      { tenantId: "t", pins: { "struggle-detector": CANDIDATE } },
      "production",
    );
    await expect(call.openSession({}, {})).rejects.toMatchObject({ status: 403, code: "feature_disabled" });
  });
});
