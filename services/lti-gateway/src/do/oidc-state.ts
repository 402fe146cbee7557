import { DurableObject } from "cloudflare:workers";
import * as v from "valibot";

/** Longest life a single-use record may ask for: OIDC state lives minutes, tickets seconds, a deep-linking request as long as its API token. */
export const MAX_STATE_TTL_MS = 2 * 60 * 60 * 1000;

const PutArgsSchema = v.object({
  key: v.pipe(v.string(), v.minLength(1), v.maxLength(512)),
  ttlMs: v.pipe(v.number(), v.integer(), v.minValue(1), v.maxValue(MAX_STATE_TTL_MS)),
});

const StoredSchema = v.object({ value: v.unknown(), expiresAt: v.number() });

/** The one record an object of the first design (one object per key) held. */
const LEGACY_KEY = "record";

/**
 * Records are spread over this many long-lived objects by a hash of their key. One object per
 * record (the first design) created a fresh object, with its own storage, for every login; a
 * warm shard stores and consumes one with a single SQLite statement each.
 */
export const RECORD_SHARDS = 32;

/** Expired records are swept at most this often per shard; `take` refuses them before that. */
const SWEEP_INTERVAL_MS = 60_000;

/**
 * Single-use records: OIDC login state and nonce, platform-storage proofs, realtime tickets,
 * deep-linking requests. `takeRecord` is one `DELETE ... RETURNING` in a single-threaded object,
 * so two concurrent launches with the same state cannot both succeed; the alarm removes records
 * nobody came back for.
 */
export class OIDCStateDurableObject extends DurableObject<Env> {
  private readonly sql: SqlStorage;

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    this.sql = ctx.storage.sql;
    this.sql.exec(
      "CREATE TABLE IF NOT EXISTS records (key TEXT PRIMARY KEY, value TEXT NOT NULL, expires_at INTEGER NOT NULL)",
    );
    this.sql.exec("CREATE INDEX IF NOT EXISTS records_expiry ON records (expires_at)");
  }

  async ping(): Promise<"pong"> {
    return "pong";
  }

  /** Stores `value` (any JSON) under `key` for `ttlMs`, replacing an earlier record under the same key. */
  async putRecord(key: string, value: unknown, ttlMs: number): Promise<void> {
    const args = v.safeParse(PutArgsSchema, { key, ttlMs });
    if (!args.success) throw new RangeError(`ttlMs must be an integer from 1 to ${MAX_STATE_TTL_MS}`);
    const expiresAt = Date.now() + args.output.ttlMs;
    // JSON, so only plain data is stored, whatever the caller passed.
    this.sql.exec(
      "INSERT OR REPLACE INTO records (key, value, expires_at) VALUES (?, ?, ?)",
      args.output.key,
      JSON.stringify(value ?? null),
      expiresAt,
    );
    if ((await this.ctx.storage.getAlarm()) === null) await this.ctx.storage.setAlarm(expiresAt);
  }

  /** Returns the record under `key` and deletes it, atomically; null when absent or expired. */
  async takeRecord(key: string): Promise<unknown> {
    const row = this.sql
      .exec<{ value: string; expires_at: number }>("DELETE FROM records WHERE key = ? RETURNING value, expires_at", key)
      .toArray()[0];
    if (!row || row.expires_at <= Date.now()) return null;
    return JSON.parse(row.value);
  }

  /**
   * The first design's read (one object per key): answers the records such objects still hold
   * from before the shards, for the minutes their TTL lasts after a deploy.
   */
  async take(): Promise<unknown> {
    const stored = await this.ctx.storage.transaction(async (txn) => {
      const raw = await txn.get(LEGACY_KEY);
      if (raw === undefined) return null;
      await txn.delete(LEGACY_KEY);
      return raw;
    });
    if (stored === null) return null;
    const parsed = v.safeParse(StoredSchema, stored);
    if (!parsed.success || parsed.output.expiresAt <= Date.now()) return null;
    return parsed.output.value;
  }

  override async alarm(): Promise<void> {
    const now = Date.now();
    this.sql.exec("DELETE FROM records WHERE expires_at <= ?", now);
    // An object of the first design holds its record in the key-value API.
    await this.ctx.storage.delete(LEGACY_KEY);
    const next = this.sql.exec<{ at: number | null }>("SELECT min(expires_at) AS at FROM records").one().at;
    if (next !== null) await this.ctx.storage.setAlarm(Math.max(next, now + SWEEP_INTERVAL_MS));
  }
}

/** FNV-1a: a cheap, even spread of keys over the shards (the keys hold random tokens). */
function shardOf(key: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < key.length; i++) {
    hash ^= key.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return (hash >>> 0) % RECORD_SHARDS;
}

/** Shard ids per namespace, derived once per isolate: an id is a plain value, valid in any request. */
const shardIds = new WeakMap<Env["OIDC_STATE"], DurableObjectId[]>();

/** The object that holds `key`'s record. */
export function recordShard(env: Env, key: string) {
  const ns = env.OIDC_STATE;
  let ids = shardIds.get(ns);
  if (!ids) {
    ids = Array.from({ length: RECORD_SHARDS }, (_, i) => ns.idFromName(`records:${i}`));
    shardIds.set(ns, ids);
  }
  return ns.get(ids[shardOf(key)] as DurableObjectId);
}

/** The single-use record under `key`. */
export function stateObject(env: Env, key: string) {
  return {
    put: (value: unknown, ttlMs: number) => recordShard(env, key).putRecord(key, value, ttlMs),
    take: async (): Promise<unknown> => {
      const value = await recordShard(env, key).takeRecord(key);
      if (value !== null) return value;
      return env.OIDC_STATE.get(env.OIDC_STATE.idFromName(key)).take();
    },
  };
}
