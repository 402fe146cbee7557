import * as v from "valibot";
import { TenantIdSchema } from "../auth-context";
import { scheduleAlarmBy } from "../resilience/outbox-retry";
import { readRetentionPolicy } from "./tenant-policy";

const DAY_MS = 86_400_000;
/**
 * An idle object re-reads its tenant's policy this often, so a shortened period or an
 * offboarding reaches objects no D1 row points to within a week, at one alarm a week each.
 */
export const POLICY_RECHECK_MS = 7 * DAY_MS;
/**
 * Where the mark lives: a one-row table of the object's own SQLite (gone with `deleteAll`, like
 * the rest), created with the object's schema from `IdleExpiry.DDL`. A table rather than a key of
 * the object's key-value storage: a new object's first mark is then not also the first use of
 * that storage, which locally creates a table of its own (0.2 ms of a new conversation's turn).
 */
const MARK_TABLE = "_idle_mark";
/** Where objects from before MARK_TABLE kept the mark (their key-value storage); moved by the next save. */
export const LEGACY_IDLE_MARK_KEY = "learner-retention:mark";

const Ms = v.pipe(v.number(), v.integer(), v.minValue(0));
const IdleMarkSchema = v.object({
  tenantId: TenantIdSchema,
  /** The learner's activity, recorded at most once a day, so it may be up to a day early. */
  atMs: Ms,
  retentionDays: v.pipe(v.number(), v.integer(), v.minValue(1)),
  /** When the tenant's policy was last read. */
  checkedAtMs: Ms,
});
export type IdleMark = v.InferOutput<typeof IdleMarkSchema>;
/** A tenant's retention period and when it was read from KV, passed from one object to another. */
export type KnownRetention = Pick<IdleMark, "retentionDays" | "checkedAtMs">;

/** Why an object is wiped: after "expired" its own D1 rows still need deleting, offboarding took them. */
export type ExpiryReason = "expired" | "offboarded";

/** The object's mark, or undefined when it has none in its table (operators' and tests' view too). */
export function readIdleMark(storage: DurableObjectStorage): IdleMark | undefined {
  const row = storage.sql.exec<{ mark: string }>(`SELECT mark FROM ${MARK_TABLE} WHERE id = 1`).toArray()[0];
  if (!row) return undefined;
  try {
    const parsed = v.safeParse(IdleMarkSchema, JSON.parse(row.mark));
    return parsed.success ? parsed.output : undefined;
  } catch {
    return undefined;
  }
}

export function writeIdleMark(storage: DurableObjectStorage, mark: IdleMark): void {
  storage.sql.exec(
    `INSERT INTO ${MARK_TABLE} (id, mark) VALUES (1, ?) ON CONFLICT (id) DO UPDATE SET mark = excluded.mark`,
    JSON.stringify(v.parse(IdleMarkSchema, mark)),
  );
}

export function clearIdleMark(storage: DurableObjectStorage): void {
  storage.sql.exec(`DELETE FROM ${MARK_TABLE}`);
}

const expiryOf = (mark: IdleMark) => mark.atMs + mark.retentionDays * DAY_MS;
const nextAlarmOf = (mark: IdleMark) => Math.min(expiryOf(mark), mark.checkedAtMs + POLICY_RECHECK_MS);

/**
 * Retention inside a learner's (or conversation's) Durable Object, for everything D1 never saw:
 * the object keeps the time of its learner's last activity and an alarm at that time plus the
 * tenant's period (or the weekly policy re-check, if sooner); if nothing happened since, the
 * alarm wipes the object. The mark moves at most once a day, so activity costs one storage read
 * per request and a KV read and a storage write a day. The object's alarm is shared with its
 * other work (outbox retries, socket limits), so the expiry is only ever scheduled through
 * `scheduleAlarmBy` and re-armed by every alarm that finds it not yet due.
 */
export class IdleExpiry {
  /** The mark's table, for the schema of every object that keeps one (idempotent). */
  static readonly DDL =
    `CREATE TABLE IF NOT EXISTS ${MARK_TABLE} (id INTEGER PRIMARY KEY CHECK (id = 1), mark TEXT NOT NULL);`;

  /** The mark last loaded came from the key-value storage of an earlier version: the next save moves it. */
  private legacy = false;

  constructor(
    private readonly storage: DurableObjectStorage,
    /** The service's KV holding tenant policies (see tenant-policy.ts). */
    private readonly policies: KVNamespace,
  ) {}

  /**
   * Call on the learner's activity; moves the expiry when the last mark is a day old (or absent)
   * and answers the mark now held. `known` is the tenant's policy as another object of the same
   * learner read it (its mark's period and read time): a fresh object then reads no KV, and
   * re-reads the policy within a week of that read like every object.
   */
  async noteActivity(tenantId: string, nowMs = Date.now(), known?: KnownRetention): Promise<IdleMark> {
    const mark = await this.load();
    if (mark && mark.tenantId === tenantId && nowMs - mark.atMs < DAY_MS) return mark;
    const policy = known
      ? { retentionDays: known.retentionDays, checkedAtMs: Math.min(known.checkedAtMs, nowMs) }
      : { retentionDays: (await readRetentionPolicy(this.policies, tenantId)).retentionDays, checkedAtMs: nowMs };
    const moved = { tenantId, atMs: nowMs, ...policy };
    await this.save(moved);
    return moved;
  }

  /**
   * First thing in the object's alarm. Wipes the object (through `wipe`) when its learner has
   * been idle past the tenant's period, or when the tenant was offboarded after the last activity
   * (then waiting writes must not reach D1), and answers true so the alarm does nothing else.
   * Otherwise keeps the expiry alarm set. The tenant's policy is read only when the expiry or the
   * weekly re-check is due or `writesWaiting` (a replay is about to happen), so frequent alarms
   * cost no KV read.
   */
  async expireIfDue(
    writesWaiting: boolean,
    wipe: (reason: ExpiryReason) => Promise<void>,
    nowMs = Date.now(),
  ): Promise<boolean> {
    const mark = await this.load();
    if (!mark) return false;
    if (!writesWaiting && nowMs < nextAlarmOf(mark)) {
      await scheduleAlarmBy(this.storage, nextAlarmOf(mark));
      return false;
    }
    const policy = await readRetentionPolicy(this.policies, mark.tenantId);
    const current = { ...mark, retentionDays: policy.retentionDays, checkedAtMs: nowMs };
    const offboarded = policy.offboardedAtMs !== undefined && mark.atMs <= policy.offboardedAtMs;
    if (offboarded || nowMs >= expiryOf(current)) {
      await wipe(offboarded ? "offboarded" : "expired");
      return true;
    }
    // Writes wait after every chat turn and first batch: a period unchanged and read within a day
    // needs no new mark, which spares the object a row written per alarm.
    if (!this.legacy && policy.retentionDays === mark.retentionDays && nowMs - mark.checkedAtMs < DAY_MS) {
      await scheduleAlarmBy(this.storage, nextAlarmOf(mark));
      return false;
    }
    await this.save(current);
    return false;
  }

  private async save(mark: IdleMark): Promise<void> {
    writeIdleMark(this.storage, mark);
    if (this.legacy) {
      await this.storage.delete(LEGACY_IDLE_MARK_KEY);
      this.legacy = false;
    }
    await scheduleAlarmBy(this.storage, nextAlarmOf(mark));
  }

  /** Not cached in memory: `deleteAll` elsewhere in the object must not leave a stale copy. */
  private async load(): Promise<IdleMark | null> {
    const stored = readIdleMark(this.storage);
    if (stored) return stored;
    const legacy = v.safeParse(IdleMarkSchema, await this.storage.get(LEGACY_IDLE_MARK_KEY));
    this.legacy = legacy.success;
    return legacy.success ? legacy.output : null;
  }
}
