import * as v from "valibot";
import { ApiError } from "../errors";
import { readKvJson } from "../kv-json";
import { resetBreakers } from "./breaker";
import { isReadOnlySql } from "./d1-errors";
import { FAULTS_KEY } from "./fault-key";
import { interceptD1 } from "./intercept-d1";

/**
 * Fault injection for local development and tests: makes a service's D1 fail or slow down on
 * command. The command is a record in the service's own SNAPSHOTS KV (key FAULTS_KEY), written
 * by `controlD1Faults` (the service's RPC, called by the gateway's dev-only /admin/faults) or
 * directly by a test. Only ENVIRONMENT "development" or "test" can enable it: staging and
 * production get the binding back untouched, before any KV is read.
 */

export { FAULTS_KEY };

const FAULT_ENVIRONMENTS = new Set(["development", "test"]);
const MAX_DELAY_MS = 30_000;

export const D1FaultSchema = v.object({
  /** fail: every call throws like an unavailable D1; slow: every call waits `delayMs` first. */
  mode: v.picklist(["off", "fail", "slow"]),
  delayMs: v.optional(v.pipe(v.number(), v.integer(), v.minValue(0), v.maxValue(MAX_DELAY_MS)), 0),
  /** Which calls: everything, only read-only statements, or only writes. */
  scope: v.optional(v.picklist(["all", "reads", "writes"]), "all"),
  /** Ends the fault by itself (epoch ms); absent means until turned off. */
  until: v.optional(v.pipe(v.number(), v.integer(), v.minValue(0))),
});
export type D1Fault = v.InferOutput<typeof D1FaultSchema>;
export type D1FaultInput = v.InferInput<typeof D1FaultSchema>;

/** What the gateway sends: a fault, or a duration instead of an absolute `until`. */
export const D1FaultCommandSchema = v.object({
  mode: D1FaultSchema.entries.mode,
  delayMs: D1FaultSchema.entries.delayMs,
  scope: D1FaultSchema.entries.scope,
  durationMs: v.optional(v.pipe(v.number(), v.integer(), v.minValue(1), v.maxValue(3_600_000))),
});
export type D1FaultCommand = v.InferInput<typeof D1FaultCommandSchema>;

export const INJECTED_FAULT_MESSAGE = "D1_ERROR: injected fault: database unavailable";

export function faultsAllowed(env: object): boolean {
  const environment = (env as { ENVIRONMENT?: unknown }).ENVIRONMENT;
  return typeof environment === "string" && FAULT_ENVIRONMENTS.has(environment);
}

function faultKv(env: object): KVNamespace | undefined {
  const kv = (env as { SNAPSHOTS?: unknown }).SNAPSHOTS;
  return kv && typeof (kv as KVNamespace).get === "function" ? (kv as KVNamespace) : undefined;
}

const faultKey = (service: string) => `${FAULTS_KEY}:${service}`;

/** The active fault for a service, or undefined (expired, off, unreadable or not allowed). */
export async function readD1Fault(env: object, service: string): Promise<D1Fault | undefined> {
  const kv = faultKv(env);
  if (!faultsAllowed(env) || !kv) return undefined;
  try {
    const fault = await readKvJson(kv, faultKey(service), D1FaultSchema);
    if (!fault || fault.mode === "off") return undefined;
    if (fault.until !== undefined && fault.until <= Date.now()) return undefined;
    return fault;
  } catch {
    return undefined;
  }
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

function applies(fault: D1Fault, sql: string[]): boolean {
  if (fault.scope === "all") return true;
  const readOnly = sql.every((s) => isReadOnlySql(s));
  return fault.scope === "reads" ? readOnly : !readOnly;
}

export function withD1Faults(db: D1Database, env: object, service: string): D1Database {
  if (!faultsAllowed(env) || !faultKv(env)) return db;
  return interceptD1(db, async (call, run) => {
    const fault = await readD1Fault(env, service);
    if (fault && applies(fault, call.sql)) {
      if (fault.mode === "fail") throw new Error(INJECTED_FAULT_MESSAGE);
      await sleep(fault.delayMs);
    }
    return run();
  });
}

/** The RPC a service offers so the gateway's /admin/faults can steer its D1 (dev and test only). */
export interface D1FaultControlRpc {
  /** `command` null or absent reads the current fault; otherwise sets it (mode "off" clears it). */
  controlD1Faults(command?: unknown): Promise<D1FaultState>;
}

export interface D1FaultState {
  service: string;
  fault: D1Fault | null;
}

/**
 * Implementation of `controlD1Faults` for a service entrypoint. Refuses with 404 outside
 * development and test, exactly like a method that does not exist.
 */
export async function controlD1Faults(env: object, service: string, command?: unknown): Promise<D1FaultState> {
  const kv = faultKv(env);
  if (!faultsAllowed(env) || !kv) throw new ApiError(404, "not_found", "Not found.");
  if (command !== undefined && command !== null) {
    const parsed = v.safeParse(D1FaultCommandSchema, command);
    if (!parsed.success) {
      throw new ApiError(400, "invalid_fault", parsed.issues[0]?.message ?? "Invalid fault command.");
    }
    const { durationMs, ...fault } = parsed.output;
    if (fault.mode === "off") {
      await kv.delete(faultKey(service));
      resetBreakers(service);
    } else {
      const record: D1Fault = durationMs === undefined ? fault : { ...fault, until: Date.now() + durationMs };
      await kv.put(faultKey(service), JSON.stringify(record));
    }
  }
  return { service, fault: (await readD1Fault(env, service)) ?? null };
}
