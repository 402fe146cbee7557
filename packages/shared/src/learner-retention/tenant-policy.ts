import * as v from "valibot";
import { DEFAULT_LEARNER_DATA_RETENTION_DAYS, LearnerDataRetentionDaysSchema } from "../rpc/tenant-data";

/**
 * What a learner's Durable Object needs to know about its tenant when nobody is calling it: how
 * long the tenant keeps learner data, and whether (and when) the tenant was offboarded. Each
 * service keeps these in one of its own KV namespaces, written by the gateway's daily sweep and
 * by offboarding, and read by an object only when its expiry alarm fires or its writes wait.
 */
const retentionKey = (tenantId: string) => `learner-retention:${tenantId}`;
const offboardedKey = (tenantId: string) => `offboarded:${tenantId}`;

/**
 * How long the offboarding mark is kept: every object re-reads it within a week (idle-expiry.ts)
 * and one with writes waiting on every retry, so a quarter leaves a wide margin for long outages.
 */
const OFFBOARDED_MARK_TTL_S = 90 * 86_400;

const MARK_REFRESH_MS = 3_600_000;

/** KV holds text; an absent key (null) or an empty one is no value, not zero. */
const OffboardedAtSchema = v.pipe(
  v.string(),
  v.nonEmpty(),
  v.transform(Number),
  v.number(),
  v.integer(),
  v.minValue(1),
);
const RetentionDaysTextSchema = v.pipe(v.string(), v.nonEmpty(), v.transform(Number), LearnerDataRetentionDaysSchema);

export interface TenantRetentionPolicy {
  retentionDays: number;
  /** When the tenant was offboarded; learner data older than this must not survive or replay. */
  offboardedAtMs?: number;
}

/** The tenant's policy; an unreadable or absent period is the default one. */
export async function readRetentionPolicy(kv: KVNamespace, tenantId: string): Promise<TenantRetentionPolicy> {
  const [days, offboarded] = await Promise.all([kv.get(retentionKey(tenantId)), kv.get(offboardedKey(tenantId))]);
  const parsedDays = v.safeParse(RetentionDaysTextSchema, days);
  const parsedAt = v.safeParse(OffboardedAtSchema, offboarded);
  return {
    retentionDays: parsedDays.success ? parsedDays.output : DEFAULT_LEARNER_DATA_RETENTION_DAYS,
    ...(parsedAt.success ? { offboardedAtMs: parsedAt.output } : {}),
  };
}

/** The sweep's period for the tenant, written only when it changed (KV writes are the scarce part). */
export async function rememberRetentionDays(kv: KVNamespace, tenantId: string, days: number): Promise<void> {
  if ((await kv.get(retentionKey(tenantId))) !== String(days)) await kv.put(retentionKey(tenantId), String(days));
}

/**
 * Offboarding's first step in a service: from now on every object of the tenant that wakes wipes
 * itself instead of replaying its writes. Kept (it names no learner) until any object it could
 * concern has expired on its own; a repeated offboarding moves it to the later time, which covers
 * everything the earlier one did. Returns how many policy keys it removed (the period).
 */
export async function markTenantOffboarded(kv: KVNamespace, tenantId: string, atMs: number): Promise<number> {
  const existing = v.safeParse(OffboardedAtSchema, await kv.get(offboardedKey(tenantId)));
  // Offboarding calls each service in rounds; one mark per hour keeps under KV's one write a second per key.
  if (!existing.success || atMs - existing.output >= MARK_REFRESH_MS) {
    await kv.put(offboardedKey(tenantId), String(atMs), { expirationTtl: OFFBOARDED_MARK_TTL_S });
  }
  if ((await kv.get(retentionKey(tenantId))) === null) return 0;
  await kv.delete(retentionKey(tenantId));
  return 1;
}
