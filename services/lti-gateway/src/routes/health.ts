import {
  isTimeout,
  type ServiceHealth,
  ServiceHealthSchema,
  type ServiceName,
  serviceHealth,
  withTimeout,
} from "@atomic-guide/shared";
import * as v from "valibot";
import { services } from "../services";
import { type PendingAnnouncementsHealth, pendingAnnouncementsHealth } from "../sockets/pending-health";

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

/**
 * Each /health fans out to every service's D1, KV and Durable Object (the gateway has no D1:
 * tenants and registrations live in KV, so its entry has no `d1`). The finished report is
 * shared by every caller in this isolate for a few seconds, so a flood of /health costs one
 * fan-out per isolate per window. (The report, not the promise, is kept: a promise belongs to
 * the request whose I/O settles it.)
 */
export const HEALTH_REPORT_TTL_MS = 5000;
let cached: { report: HealthReport; expiresAt: number } | null = null;

/** Test hook: the next /health builds a fresh report. */
export function forgetHealthReport(): void {
  cached = null;
}

export async function systemHealth(env: Env): Promise<Response> {
  if (!cached || cached.expiresAt <= Date.now()) {
    cached = { report: await buildReport(env), expiresAt: Date.now() + HEALTH_REPORT_TTL_MS };
  }
  const { body, canLaunch } = cached.report;
  return Response.json(body, { status: canLaunch ? 200 : 503, headers: { "Cache-Control": "no-store" } });
}

/** The gateway's entry also says which socket announcements still wait for a service. */
type GatewayHealth = ServiceHealth & { socketAnnouncements: PendingAnnouncementsHealth };

interface HealthReport {
  body: {
    status: "ok" | "degraded";
    services: Record<Exclude<ServiceName, "lti-gateway">, ServiceHealth> & { "lti-gateway": GatewayHealth };
  };
  canLaunch: boolean;
}

async function buildReport(env: Env): Promise<HealthReport> {
  const ns = env.OIDC_STATE;
  const [gatewayParts, socketAnnouncements, chat, struggle, analytics] = await Promise.all([
    serviceHealth({
      service: "lti-gateway",
      env,
      kv: env.PLATFORMS,
      pingDurableObject: () => ns.get(ns.idFromName("health")).ping(),
      version: env.CF_VERSION_METADATA?.id,
    }),
    pendingAnnouncementsHealth(env),
    remoteHealth(() => services(env).chat.health()),
    remoteHealth(() => services(env).struggleDetector.health()),
    remoteHealth(() => services(env).analytics.health()),
  ]);
  const gateway: GatewayHealth = {
    ...gatewayParts,
    status: gatewayParts.status === "ok" && socketAnnouncements.status === "ok" ? "ok" : "degraded",
    socketAnnouncements,
  };
  const report: HealthReport["body"]["services"] = {
    "lti-gateway": gateway,
    chat,
    "struggle-detector": struggle,
    analytics,
  };
  const allOk = Object.values(report).every((s) => s.status === "ok");
  // Launches need only KV (registrations) and the state DO; without them the gateway cannot serve.
  const canLaunch = gateway.kv.status === "ok" && gateway.durableObject.status === "ok";
  return { body: { status: allOk ? "ok" : "degraded", services: report }, canLaunch };
}
