// The peer row's Worker (bench/peer: the reference tool's launch on @atomicjolt/lti-endpoints),
// built like its app ships (wrangler, not minified) and run in the same workerd as our four
// Workers, with the bindings its app's wrangler.jsonc declares.
import { dirname, join } from "node:path";
import type { Miniflare } from "miniflare";
import type { SimulatedPlatform } from "../../tests/support/lti-platform";
import { type BuiltBundle, dryRunBuild } from "./wrangler-build";

export const PEER_WORKER = "atomic-lti-peer";
export const PEER_PACKAGE = "@atomicjolt/lti-endpoints";
export const PEER_DIR = join(import.meta.dirname, "..", "peer");

export function buildPeer(outdir: string, minify?: boolean): BuiltBundle {
  return dryRunBuild(PEER_DIR, outdir, minify);
}

/** Miniflare options for the peer: bench/peer/wrangler.jsonc's KV namespaces and Durable Object. */
export function peerWorkerOptions(script: string) {
  return {
    name: PEER_WORKER,
    modules: true,
    scriptPath: script,
    modulesRoot: dirname(script),
    compatibilityDate: "2025-03-05",
    kvNamespaces: {
      KEY_SETS: { id: "bench-peer-key-sets" },
      REMOTE_JWKS: { id: "bench-peer-remote-jwks" },
      CLIENT_AUTH_TOKENS: { id: "bench-peer-client-auth-tokens" },
      PLATFORMS: { id: "bench-peer-platforms" },
    },
    durableObjects: { OIDC_STATE: { className: "OIDCStateDurableObject", useSQLite: true } },
  };
}

/**
 * Registers the simulated LMS the way the package reads it: `getPlatform(env, iss)` parses the
 * PLATFORMS KV value under the issuer as the platform's OpenID configuration (authorization
 * endpoint, jwks_uri, ...), which is what the simulator publishes.
 */
export async function registerWithPeer(mf: Miniflare, platform: SimulatedPlatform): Promise<void> {
  const kv = await mf.getKVNamespace("PLATFORMS", PEER_WORKER);
  await kv.put(platform.issuer, JSON.stringify(platform.configuration()));
}
