import { DurableObject } from "cloudflare:workers";
import * as v from "valibot";
import { createLogger } from "./log";
import { SocketDirectoryEntrySchema } from "./socket-membership";
import {
  applySocketPolicyChange,
  closesSockets,
  type SocketPolicy,
  SocketPolicyChangeSchema,
  SocketPolicySchema,
} from "./socket-policy";
import { withTimeout } from "./timeout";
import { parseWith } from "./validation";

/**
 * One per tenant in each service that holds sockets (chat, struggle-detector): the learner
 * objects with open sockets (socket-membership.ts keeps their entries), so a policy change the
 * gateway pushes closes the tenant's sockets within seconds rather than at each object's next
 * alarm. Fan-out goes a page at a time: the first page while the push waits, the rest from this
 * object's alarm, so no invocation calls more than a page of objects.
 */
abstract class TenantSocketDirectory<E> extends DurableObject<E> {
  /** The service's learner objects, the ones that hold the sockets (entries name them by id). */
  protected abstract learnerObjects(): SocketHoldingObjects;

  private readonly sql: SqlStorage;
  private readonly log = createLogger({ service: "shared", module: "socket-directory" });

  constructor(ctx: DurableObjectState, env: E) {
    super(ctx, env);
    this.sql = ctx.storage.sql;
    this.sql.exec(`
      CREATE TABLE IF NOT EXISTS members (object_id TEXT PRIMARY KEY, until_ms INTEGER NOT NULL);
      CREATE TABLE IF NOT EXISTS fan_out (id INTEGER PRIMARY KEY CHECK (id = 1), policy TEXT NOT NULL, after TEXT NOT NULL);
    `);
  }

  async register(input: unknown): Promise<void> {
    const entry = parseWith(SocketDirectoryEntrySchema, input);
    const nowMs = Date.now();
    // Entries of objects that went away without unregistering go here, at the next socket opened.
    this.sql.exec("DELETE FROM members WHERE until_ms <= ?", nowMs);
    this.sql.exec(
      `INSERT INTO members (object_id, until_ms) VALUES (?, ?)
       ON CONFLICT (object_id) DO UPDATE SET until_ms = MAX(until_ms, excluded.until_ms)`,
      entry.objectId,
      Math.min(entry.untilMs, nowMs + MAX_ENTRY_MS),
    );
  }

  async unregister(objectId: unknown): Promise<void> {
    this.sql.exec(
      "DELETE FROM members WHERE object_id = ?",
      parseWith(SocketDirectoryEntrySchema.entries.objectId, objectId),
    );
  }

  /** Every listed object runs its socket check with `policy` now; returns how many were told in this call. */
  async recheckAll(policyInput: unknown): Promise<{ rechecked: number }> {
    return { rechecked: await this.recheckPage(parseWith(SocketPolicySchema, policyInput), "") };
  }

  override async alarm(): Promise<void> {
    const job = this.sql.exec<{ policy: string; after: string }>("SELECT policy, after FROM fan_out").toArray()[0];
    if (!job) return;
    const policy = v.safeParse(SocketPolicySchema, JSON.parse(job.policy));
    if (policy.success) await this.recheckPage(policy.output, job.after);
  }

  private recheckObject(objectId: string, policy: SocketPolicy): Promise<unknown> {
    const objects = this.learnerObjects();
    return objects.get(objects.idFromString(objectId)).recheckSockets(policy);
  }

  private async recheckPage(policy: SocketPolicy, after: string): Promise<number> {
    const ids = this.sql
      .exec<{ object_id: string }>(
        "SELECT object_id FROM members WHERE until_ms > ? AND object_id > ? ORDER BY object_id LIMIT ?",
        Date.now(),
        after,
        PAGE_SIZE,
      )
      .toArray()
      .map((r) => r.object_id);
    const results = await Promise.allSettled(
      // async: an id the namespace refuses throws synchronously, and must only fail its own call.
      ids.map(async (id) => withTimeout(this.recheckObject(id, policy), RECHECK_TIMEOUT_MS)),
    );
    const failed = results.filter((r) => r.status === "rejected").length;
    // A learner object that could not be told still closes its sockets at its own alarm.
    if (failed > 0) this.log.warn("socket recheck not delivered to some objects", { failed, of: ids.length });
    const last = ids.at(-1);
    if (ids.length === PAGE_SIZE && last !== undefined) {
      // A newer push replaces an unfinished one: its policy is the newer, complete one.
      this.sql.exec(
        "INSERT INTO fan_out (id, policy, after) VALUES (1, ?, ?) ON CONFLICT (id) DO UPDATE SET policy = excluded.policy, after = excluded.after",
        JSON.stringify(policy),
        last,
      );
      await this.ctx.storage.setAlarm(Date.now());
    } else {
      this.sql.exec("DELETE FROM fan_out");
    }
    return ids.length;
  }
}

/**
 * The directory class a service exports (and binds as TENANT_SOCKETS) for its learner objects,
 * e.g. `class TenantSocketsDO extends tenantSocketDirectory<Env>((env) => env.CHAT_LEARNERS) {}`.
 */
export function tenantSocketDirectory<E>(learnerObjectsOf: (env: E) => SocketHoldingObjects) {
  return class extends TenantSocketDirectory<E> {
    protected learnerObjects() {
      return learnerObjectsOf(this.env);
    }
  };
}

/** What `learnerObjects` returns: a Durable Object namespace whose objects recheck their sockets. */
export interface SocketHoldingObjects {
  idFromString(id: string): DurableObjectId;
  get(id: DurableObjectId): { recheckSockets(policy: SocketPolicy): Promise<unknown> };
}

/** Objects told per invocation: far under the subrequest limit, and a push answers within seconds. */
const PAGE_SIZE = 50;
const RECHECK_TIMEOUT_MS = 3_000;
/** No token lives this long; a bad entry cannot stay longer. */
const MAX_ENTRY_MS = 24 * 60 * 60_000;

/** What the service's `socketPolicyChanged` reaches: the tenant's directory. */
export interface TenantSocketDirectoryStub {
  recheckAll(policy: SocketPolicy): Promise<{ rechecked: number }>;
}

/**
 * The services' `socketPolicyChanged`: stores the change in the service's KV (new upgrades, each
 * message and the alarm read it there), then, when it can close sockets, has the tenant's
 * directory recheck every object with open sockets with the stored policy. A failure is thrown
 * back to the gateway, which keeps the announcement pending and retries it.
 */
export async function storeAndFanOutSocketPolicy(
  kv: KVNamespace,
  directoryOf: (tenantId: string) => TenantSocketDirectoryStub,
  input: unknown,
): Promise<{ stored: true; rechecked: number }> {
  const change = parseWith(SocketPolicyChangeSchema, input);
  const policy = await applySocketPolicyChange(kv, change);
  if (!closesSockets(change)) return { stored: true, rechecked: 0 };
  const { rechecked } = await directoryOf(change.tenantId).recheckAll(policy);
  return { stored: true, rechecked };
}
