import * as v from "valibot";
import { isApiErrorLike } from "../errors";
import { readKvJson } from "../kv-json";
import { breakerFor } from "./breaker";
import { classifyD1Error, withD1Timeout } from "./d1-errors";
import { serviceUnavailable } from "./unavailable";

export const DEGRADED_HEADER = "X-Atomic-Degraded";

/** A week: long enough to ride out an outage, short enough that stale data does not linger. */
export const DEFAULT_SNAPSHOT_TTL_SECONDS = 7 * 24 * 3600;
/** The whole read, which may be several queries. */
export const DEFAULT_READ_TIMEOUT_MS = 4_000;
/**
 * KV allows one write per second per key and each write costs; an unchanged value is rewritten
 * at most this often, so hot reads do not turn into a KV write each.
 */
const UNCHANGED_REWRITE_MS = 60_000;
const MEMO_LIMIT = 1_000;

export interface ReadThroughOptions<T> {
  service: string;
  kv: KVNamespace;
  /** Starts with the tenant id (and names the learner when it is theirs), e.g. `acme:profile:u1`. */
  key: string;
  /** Validates the snapshot on the way back from KV (a trust boundary like any other). */
  schema: v.GenericSchema<unknown, T>;
  read: () => Promise<T>;
  ttlSeconds?: number;
  /** When given, `key` must start with `${tenantId}:`. */
  tenantId?: string;
  /** The D1 binding the read uses, for its breaker (a tenant's dedicated database has its own). */
  d1Binding?: string;
  timeoutMs?: number;
  /** Lets the snapshot write finish after the response (ctx.waitUntil); awaited otherwise. */
  waitUntil?: (promise: Promise<unknown>) => void;
}

export interface ReadThroughResult<T> {
  value: T;
  degraded: boolean;
  /** For a degraded read: when the snapshot was taken (epoch ms). */
  snapshotAt?: number;
}

const SnapshotEnvelopeSchema = v.object({ at: v.number(), value: v.unknown() });

const written = new Map<string, { json: string; at: number }>();

function remember(key: string, json: string, at: number) {
  written.delete(key);
  written.set(key, { json, at });
  if (written.size > MEMO_LIMIT) {
    const oldest = written.keys().next().value;
    if (oldest !== undefined) written.delete(oldest);
  }
}

async function writeSnapshot(kv: KVNamespace, key: string, value: unknown, ttlSeconds: number): Promise<void> {
  const now = Date.now();
  const valueJson = JSON.stringify(value);
  const last = written.get(key);
  if (last && last.json === valueJson && now - last.at < UNCHANGED_REWRITE_MS) return;
  remember(key, valueJson, now);
  try {
    await kv.put(key, `{"at":${now},"value":${valueJson}}`, { expirationTtl: Math.max(60, ttlSeconds) });
  } catch {
    // A missed snapshot only makes a later outage less pleasant; the read itself succeeded.
    written.delete(key);
  }
}

async function readSnapshot<T>(
  kv: KVNamespace,
  key: string,
  schema: v.GenericSchema<unknown, T>,
): Promise<{ value: T; at: number } | undefined> {
  try {
    const envelope = await readKvJson(kv, key, SnapshotEnvelopeSchema);
    if (!envelope) return undefined;
    const value = v.safeParse(schema, envelope.value);
    return value.success ? { value: value.output, at: envelope.at } : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Writes a snapshot outside a read: the write path calls this after it changed what a read
 * would show, so a page nobody has read yet (or since the change) still answers in an outage.
 * Same envelope, TTL and unchanged-value throttle as the snapshots reads write.
 */
export async function putSnapshot(
  kv: KVNamespace,
  key: string,
  value: unknown,
  ttlSeconds = DEFAULT_SNAPSHOT_TTL_SECONDS,
): Promise<void> {
  await writeSnapshot(kv, key, value, ttlSeconds);
}

/**
 * D1 first; every successful read refreshes the KV snapshot. When D1 errors, times out, or its
 * breaker is open, the snapshot answers with `degraded: true` (mark the response with
 * `markDegraded`). With neither, 503 + Retry-After. Errors the read raises on purpose (4xx
 * ApiErrors such as not_found) and caller SQL errors pass through untouched.
 */
export async function readThrough<T>(options: ReadThroughOptions<T>): Promise<ReadThroughResult<T>> {
  if (options.tenantId !== undefined && !options.key.startsWith(`${options.tenantId}:`)) {
    throw new Error(`snapshot key ${options.key} does not start with its tenant id`);
  }
  const breaker = breakerFor(options.service, options.d1Binding ?? "DB");
  if (!breaker.rejecting) {
    try {
      const value = await withD1Timeout(options.read(), options.timeoutMs ?? DEFAULT_READ_TIMEOUT_MS);
      // Also closes a half-open breaker when the read went through an unguarded binding.
      breaker.recordSuccess();
      const write = writeSnapshot(options.kv, options.key, value, options.ttlSeconds ?? DEFAULT_SNAPSHOT_TTL_SECONDS);
      if (options.waitUntil) options.waitUntil(write);
      else await write;
      return { value, degraded: false };
    } catch (e) {
      if (isApiErrorLike(e) && e.status < 500) throw e;
      if (!isApiErrorLike(e)) {
        if (classifyD1Error(e) === "caller") throw e;
        // The guarded binding already reported its own failures; this covers a slow read made
        // of several fast queries, and reads through an unguarded binding.
        breaker.recordFailure(e instanceof Error ? e.name : "error");
      }
    }
  }
  const snapshot = await readSnapshot(options.kv, options.key, options.schema);
  if (!snapshot) throw serviceUnavailable(breaker.retryAfterSeconds());
  return { value: snapshot.value, degraded: true, snapshotAt: snapshot.at };
}

/** Marks a response served from a snapshot; clients show a read-only banner. */
export function markDegraded(response: Response): Response {
  const marked = new Response(response.body, response);
  marked.headers.set(DEGRADED_HEADER, "read-only");
  return marked;
}

/** JSON response for a readThrough result, marked when degraded. */
export function readThroughResponse<T>(result: ReadThroughResult<T>, init?: ResponseInit): Response {
  const response = Response.json(result.value, init);
  return result.degraded ? markDegraded(response) : response;
}

/** Snapshot key helper: `tenantId:part:part`, so erasure and isolation can work by prefix. */
export const snapshotKey = (tenantId: string, ...parts: string[]) => [tenantId, ...parts].join(":");

/**
 * Deletes every snapshot under a prefix (learner erasure). Pass a prefix that ends in `:` so
 * `acme:u1:` does not also match `acme:u10:`.
 */
export async function deleteSnapshots(kv: KVNamespace, prefix: string): Promise<number> {
  let deleted = 0;
  let cursor: string | undefined;
  do {
    const page: KVNamespaceListResult<unknown, string> = await kv.list({ prefix, ...(cursor ? { cursor } : {}) });
    await Promise.all(page.keys.map((k) => kv.delete(k.name)));
    for (const k of page.keys) written.delete(k.name);
    deleted += page.keys.length;
    cursor = page.list_complete ? undefined : page.cursor;
  } while (cursor);
  return deleted;
}
