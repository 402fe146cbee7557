import { isTimeout, type ServiceHealth, ServiceHealthSchema, serviceHealth, withTimeout } from "@atomic-guide/shared";
import * as v from "valibot";
import { services } from "../services";

export const SERVICES = ["lti-gateway", "chat", "struggle-detector", "analytics"] as const;
export type ServiceName = (typeof SERVICES)[number];

const RPC_TIMEOUT_MS = 3000;

function unreachable(detail: string): ServiceHealth {
  const down = { status: "down" as const, latencyMs: 0, detail };
  return { status: "degraded", d1: down, kv: down, durableObject: down };
}

/** Asks a service for its health over its binding; a slow, broken or odd answer is reported, never thrown. */
async function remoteHealth(call: () => Promise<unknown>): Promise<ServiceHealth> {
  try {
    const parsed = v.safeParse(ServiceHealthSchema, await withTimeout(call(), RPC_TIMEOUT_MS));
    return parsed.success ? parsed.output : unreachable("service answered with an unexpected shape");
  } catch (e) {
    return unreachable(isTimeout(e) ? "service timed out" : "service unreachable");
  }
}

export async function systemHealth(env: Env): Promise<Response> {
  const ns = env.OIDC_STATE;
  const [gateway, chat, struggle, analytics] = await Promise.all([
    serviceHealth({
      service: "lti-gateway",
      env,
      db: env.DB,
      kv: env.PLATFORMS,
      pingDurableObject: () => ns.get(ns.idFromName("health")).ping(),
      version: env.CF_VERSION_METADATA?.id,
    }),
    remoteHealth(() => services(env).chat.health()),
    remoteHealth(() => services(env).struggleDetector.health()),
    remoteHealth(() => services(env).analytics.health()),
  ]);
  const report: Record<ServiceName, ServiceHealth> = {
    "lti-gateway": gateway,
    chat,
    "struggle-detector": struggle,
    analytics,
  };
  const allOk = Object.values(report).every((s) => s.status === "ok");
  // Launches need only KV (registrations) and the state DO; without them the gateway cannot serve.
  const canLaunch = gateway.kv.status === "ok" && gateway.durableObject.status === "ok";
  return Response.json(
    { status: allOk ? "ok" : "degraded", services: report },
    { status: canLaunch ? 200 : 503, headers: { "Cache-Control": "no-store" } },
  );
}
