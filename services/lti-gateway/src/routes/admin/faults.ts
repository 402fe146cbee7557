import {
  BACKEND_SERVICES,
  type BackendService,
  decodePathParam,
  notFound,
  parseJsonBody,
  parseWith,
} from "@atomic-guide/shared";
import {
  D1FaultCommandSchema,
  type D1FaultControlRpc,
  type D1FaultState,
  faultsAllowed,
} from "@atomic-guide/shared/resilience/d1-faults";
import * as v from "valibot";
import type { GatewayRouter } from "../router";

/** The services with a D1 database, the only ones a D1 fault can act on (the gateway keeps its data in KV). */
const FAULT_SERVICES = BACKEND_SERVICES;

const FaultTargetSchema = v.picklist(
  [...FAULT_SERVICES, "all"],
  `D1 faults apply to the services with a database: ${FAULT_SERVICES.join(", ")}, or all of them ("all").`,
);

type Control = (command?: unknown) => Promise<D1FaultState>;

/** Each service keeps its fault record in its own KV; the gateway reaches the others over RPC. */
function controlOf(env: Env, service: BackendService): Control {
  // Called on the stub itself: a method taken off an RPC stub is not a plain function.
  const remote = (binding: Fetcher) => (command?: unknown) =>
    (binding as Fetcher & D1FaultControlRpc).controlD1Faults(command);
  switch (service) {
    case "chat":
      return remote(env.CHAT);
    case "struggle-detector":
      return remote(env.STRUGGLE_DETECTOR);
    case "analytics":
      return remote(env.ANALYTICS);
  }
}

function targets(params: Record<string, string | undefined>): BackendService[] {
  const target = parseWith(FaultTargetSchema, decodePathParam(params.service), "unknown_service");
  return target === "all" ? [...FAULT_SERVICES] : [target];
}

const applyAll = async (env: Env, services: readonly BackendService[], command?: unknown) => ({
  faults: await Promise.all(services.map((s) => controlOf(env, s)(command))),
});

/**
 * /admin/faults: makes a service's D1 fail or slow down, for local development and tests only;
 * `all` means chat, struggle-detector and analytics (an unknown name or `lti-gateway` is a 400).
 * Outside ENVIRONMENT development/test every route answers 404 like an unknown path, and each
 * service refuses the RPC on its own as well. The operator token is checked first (./index.ts).
 *
 *   GET    /admin/faults                 current fault of every service with a database
 *   PUT    /admin/faults/:service|all    {mode: "fail"|"slow"|"off", delayMs?, scope?, durationMs?}
 *   DELETE /admin/faults/:service|all    turns faults off
 */
export function registerFaultAdminRoutes(router: GatewayRouter): void {
  router.all("/admin/faults*", (_request, env) => {
    if (!faultsAllowed(env)) throw notFound();
  });

  router.get("/admin/faults", async (_request, env) => Response.json(await applyAll(env, FAULT_SERVICES)));

  router.put("/admin/faults/:service", async (request, env) => {
    const services = targets(request.params);
    const command = await parseJsonBody(request, D1FaultCommandSchema);
    return Response.json(await applyAll(env, services, command));
  });

  router.delete("/admin/faults/:service", async (request, env) =>
    Response.json(await applyAll(env, targets(request.params), { mode: "off" })),
  );
}
