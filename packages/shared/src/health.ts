import * as v from "valibot";
import { BreakerSnapshotSchema, breakerFor, breakerOptionsFromEnv, breakerSnapshots } from "./resilience/breaker";
import { withD1Faults } from "./resilience/d1-faults";
import { isTimeout, withTimeout } from "./timeout";

export const ComponentStateSchema = v.object({
  status: v.picklist(["ok", "degraded", "down"]),
  latencyMs: v.number(),
  detail: v.optional(v.string()),
});
export type ComponentState = v.InferOutput<typeof ComponentStateSchema>;

export const ServiceHealthSchema = v.object({
  status: v.picklist(["ok", "degraded"]),
  /** For a Worker that has no D1 database (the gateway), `NO_DATABASE`: nothing there can fail. */
  d1: ComponentStateSchema,
  kv: ComponentStateSchema,
  durableObject: ComponentStateSchema,
  version: v.optional(v.string()),
  /** The isolate's D1 circuit breakers (one per D1 binding used); any not closed degrades. */
  breaker: v.optional(v.array(BreakerSnapshotSchema)),
  /** Backups (analytics, staging and production): missing settings, stale or failed runs degrade. */
  backup: v.optional(ComponentStateSchema),
});
export type ServiceHealth = v.InferOutput<typeof ServiceHealthSchema>;

const PROBE_TIMEOUT_MS = 2000;

async function probe(fn: () => Promise<unknown>): Promise<ComponentState> {
  const started = performance.now();
  try {
    await withTimeout(fn(), PROBE_TIMEOUT_MS);
    return { status: "ok", latencyMs: Math.round(performance.now() - started) };
  } catch (e) {
    // The reason is an operator's concern; keep it short and free of internals.
    return {
      status: "down",
      latencyMs: Math.round(performance.now() - started),
      detail: isTimeout(e) ? "timed out" : "unavailable",
    };
  }
}

export const probeKv = (kv: KVNamespace) => probe(() => kv.get("health:probe"));
export const probeDurableObject = (ping: () => Promise<unknown>) => probe(ping);

/**
 * The `d1` entry of a Worker without a database: the public shape keeps a `d1` for every
 * service (CONTRACT, Health), and nothing there can fail, so it is ok and says why.
 */
export const NO_DATABASE: ComponentState = Object.freeze({
  status: "ok",
  latencyMs: 0,
  detail: "no database: this Worker keeps its data in KV and Durable Objects",
});

export function summarize(parts: Omit<ServiceHealth, "status">): ServiceHealth {
  const ok =
    parts.d1.status === "ok" &&
    parts.kv.status === "ok" &&
    parts.durableObject.status === "ok" &&
    (parts.backup === undefined || parts.backup.status === "ok") &&
    (parts.breaker ?? []).every((b) => b.state === "closed");
  return { status: ok ? "ok" : "degraded", ...parts };
}

export interface HealthProbes {
  /** The service's `DB`; none for a Worker without D1, whose report then says `NO_DATABASE`. */
  db?: D1Database;
  kv: KVNamespace;
  /** Round trip to one of the service's Durable Objects. */
  pingDurableObject: () => Promise<unknown>;
  version?: string | undefined;
  /**
   * The service's name and env: the D1 probe then passes fault injection (development and test
   * only) like every query does, and the report always includes this service's `DB` breaker.
   */
  service?: string;
  env?: object;
}

/**
 * The D1 probe reads the migrations table rather than `SELECT 1`, so an unmigrated database
 * reports `down`: a Worker whose schema is missing cannot serve, however alive D1 is.
 */
export async function serviceHealth(p: HealthProbes): Promise<ServiceHealth> {
  const db = p.db && p.service && p.env ? withD1Faults(p.db, p.env, p.service) : p.db;
  if (db && p.service) {
    const fromEnv = p.env ? breakerOptionsFromEnv(p.env) : undefined;
    const own = breakerFor(p.service, "DB", fromEnv);
    if (fromEnv) own.configure(fromEnv);
  }
  const [d1, kv, durableObject] = await Promise.all([
    db &&
      probe(() =>
        db
          .prepare("SELECT name FROM d1_migrations ORDER BY id DESC LIMIT 1")
          .first()
          .then((row) => {
            if (!row) throw new Error("no migrations applied");
          }),
      ),
    probeKv(p.kv),
    probeDurableObject(p.pingDurableObject),
  ]);
  // The health check doubles as the half-open probe, so an idle service's breaker closes once
  // D1 answers again instead of waiting for the next user request to find out.
  if (p.service && d1?.status === "ok") {
    const own = breakerFor(p.service);
    if (own.state === "half-open") own.recordSuccess();
  }
  const breaker = breakerSnapshots(p.service);
  return summarize({
    d1: d1 || NO_DATABASE,
    kv,
    durableObject,
    ...(p.version ? { version: p.version } : {}),
    ...(breaker.length > 0 ? { breaker } : {}),
  });
}
