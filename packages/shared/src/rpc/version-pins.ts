import * as v from "valibot";
import { BACKEND_SERVICES, type BackendService } from "../service-names";
import { callOverFetch } from "./over-fetch";

/** Gradual deployments' affinity: the same key reaches the same version while a rollout runs. */
export const VERSION_KEY_HEADER = "Cloudflare-Workers-Version-Key";
/** Sends the call to a named version of a named Worker; honoured only on fetch over a service binding. */
export const VERSION_OVERRIDES_HEADER = "Cloudflare-Workers-Version-Overrides";

/** Wrangler version ids are UUIDs; anything else could not be a valid override anyway. */
export const WorkerVersionIdSchema = v.pipe(v.string(), v.uuid("must be a Worker version id (UUID)"));

/**
 * The candidate versions one tenant is pinned to, per service, as the gateway read them from
 * the rollout records for this call. It rides in the AuthContext, so every call made for the
 * tenant (the gateway's forwards and RPC, and the calls services make to each other) reaches
 * the same versions.
 */
export const VersionPinsSchema = v.partial(
  v.object(
    Object.fromEntries(BACKEND_SERVICES.map((s) => [s, WorkerVersionIdSchema])) as Record<
      BackendService,
      typeof WorkerVersionIdSchema
    >,
  ),
);
export type VersionPins = v.InferOutput<typeof VersionPinsSchema>;

/**
 * The Worker name a service runs under in an environment: wrangler appends `-<env>` to the
 * top-level name for named environments (the service bindings in wrangler.jsonc say the same).
 */
export function workerNameOf(environment: string | undefined, service: BackendService): string {
  const base = `atomic-guide-${service}`;
  return environment === "staging" || environment === "production" ? `${base}-${environment}` : base;
}

/** The routing headers of a call to `service` for `tenantId`: affinity always, the override when pinned. */
export function versionHeadersFor(
  environment: string | undefined,
  service: BackendService,
  caller: { tenantId: string; pins?: VersionPins | undefined },
): Record<string, string> {
  const headers: Record<string, string> = { [VERSION_KEY_HEADER]: caller.tenantId };
  const version = caller.pins?.[service];
  // A structured-header dictionary entry: worker name = quoted version id (a validated UUID).
  if (version) headers[VERSION_OVERRIDES_HEADER] = `${workerNameOf(environment, service)}="${version}"`;
  return headers;
}

/**
 * A service binding for one tenant's calls: the binding itself normally; for a tenant pinned to
 * the service's candidate, a stand-in whose every method goes through fetch with the version
 * override (`/_rpc/<method>`, rpc/over-fetch.ts), the one path on which Cloudflare honours it.
 * Same methods, same answers, same errors either way.
 */
export function pinnedBinding<T extends object>(
  binding: Fetcher,
  service: BackendService,
  caller: { tenantId: string; pins?: VersionPins | undefined },
  environment: string | undefined,
): T {
  if (!caller.pins?.[service]) return binding as unknown as T;
  const headers = versionHeadersFor(environment, service, caller);
  return new Proxy(binding, {
    get(target, prop) {
      // fetch stays fetch (the forwards set their own headers); `then` keeps the stand-in from
      // looking like a promise. Every other name is a method of the service's RPC contract.
      if (typeof prop !== "string" || PLAIN.has(prop)) {
        const value: unknown = Reflect.get(target, prop, target);
        return typeof value === "function" ? value.bind(target) : value;
      }
      return (...args: unknown[]) => callOverFetch(target, prop, args, headers);
    },
  }) as unknown as T;
}

const PLAIN = new Set(["fetch", "connect", "then"]);
