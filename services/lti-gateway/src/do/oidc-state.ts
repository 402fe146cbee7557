import { DurableObject } from "cloudflare:workers";
import * as v from "valibot";

/** Longest life a single-use record may ask for: OIDC state lives minutes, tickets seconds, a deep-linking request as long as its API token. */
export const MAX_STATE_TTL_MS = 2 * 60 * 60 * 1000;

const PutArgsSchema = v.object({
  ttlMs: v.pipe(v.number(), v.integer(), v.minValue(1), v.maxValue(MAX_STATE_TTL_MS)),
});

const StoredSchema = v.object({ value: v.unknown(), expiresAt: v.number() });

const KEY = "record";

/**
 * One single-use record per object (`idFromName(key)`): OIDC login state and nonce, realtime
 * tickets. `take` reads and deletes inside one storage transaction, so two concurrent launches
 * with the same state cannot both succeed; the alarm removes records nobody came back for.
 */
export class OIDCStateDurableObject extends DurableObject<Env> {
  async ping(): Promise<"pong"> {
    return "pong";
  }

  /** Stores `value` (any JSON) for `ttlMs`, replacing an earlier record under the same key. */
  async put(value: unknown, ttlMs: number): Promise<void> {
    const args = v.safeParse(PutArgsSchema, { ttlMs });
    if (!args.success) throw new RangeError(`ttlMs must be an integer from 1 to ${MAX_STATE_TTL_MS}`);
    const ttl = args.output.ttlMs;
    // Round-trip through JSON so only plain data is stored, whatever the caller passed.
    const plain: unknown = JSON.parse(JSON.stringify(value ?? null));
    const expiresAt = Date.now() + ttl;
    await this.ctx.storage.put(KEY, { value: plain, expiresAt });
    await this.ctx.storage.setAlarm(expiresAt);
  }

  /** Returns the record and deletes it, atomically; null when absent or expired. */
  async take(): Promise<unknown> {
    const stored = await this.ctx.storage.transaction(async (txn) => {
      const raw = await txn.get(KEY);
      if (raw === undefined) return null;
      await txn.delete(KEY);
      return raw;
    });
    if (stored === null) return null;
    const parsed = v.safeParse(StoredSchema, stored);
    if (!parsed.success || parsed.output.expiresAt <= Date.now()) return null;
    await this.ctx.storage.deleteAlarm();
    return parsed.output.value;
  }

  override async alarm(): Promise<void> {
    await this.ctx.storage.deleteAll();
  }
}

/** The stub for one single-use record. */
export const stateObject = (env: Env, key: string) => env.OIDC_STATE.get(env.OIDC_STATE.idFromName(key));
