import { callOverFetch } from "@atomic-guide/shared/rpc/over-fetch";
import { bindingOf } from "../services";
import type { RolloutService } from "./record";
import { versionHeaders } from "./version-headers";

const OVERRIDES = "Cloudflare-Workers-Version-Overrides";

/**
 * A service binding for one tenant's calls: plain RPC normally; for a tenant pinned to the
 * service's candidate version, every method goes through fetch with the version override, the
 * one path on which Cloudflare honours it (RPC cannot carry headers). Same methods, same
 * answers, same errors either way.
 */
export function rpcFor<T extends object>(env: Env, service: RolloutService, tenantId: string): T {
  const binding = bindingOf(env, service);
  return new Proxy(binding, {
    get(target, prop) {
      const value: unknown = Reflect.get(target, prop, target);
      if (typeof prop !== "string" || prop === "fetch" || prop === "then" || typeof value !== "function") {
        return typeof value === "function" ? value.bind(target) : value;
      }
      return async (...args: unknown[]) => {
        const headers = await versionHeaders(env, service, tenantId);
        if (headers[OVERRIDES] === undefined) return Reflect.apply(value, target, args);
        return callOverFetch(target, prop, args, headers);
      };
    },
  }) as unknown as T;
}
