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
/** Where the mark lives in the object's key-value storage (gone with `deleteAll`, like the rest). */
export const IDLE_MARK_KEY = "learner-retention:mark";

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
    await this.save(current);
    return false;
  }

  private async save(mark: IdleMark): Promise<void> {
    await this.storage.put(IDLE_MARK_KEY, mark);
    await scheduleAlarmBy(this.storage, nextAlarmOf(mark));
  }

  /** Not cached in memory: `deleteAll` elsewhere in the object must not leave a stale copy. */
  private async load(): Promise<IdleMark | null> {
    const parsed = v.safeParse(IdleMarkSchema, await this.storage.get(IDLE_MARK_KEY));
    return parsed.success ? parsed.output : null;
  }
}
