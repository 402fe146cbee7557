import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { DEFAULT_LEARNER_DATA_RETENTION_DAYS } from "../rpc/tenant-data";
import { markTenantOffboarded, readRetentionPolicy, rememberRetentionDays } from "./tenant-policy";

const kv = () => (env as unknown as { SNAPSHOTS: KVNamespace }).SNAPSHOTS;
const freshTenant = () => `policy-${crypto.randomUUID().slice(0, 8)}`;
const HOUR_MS = 3_600_000;

describe("a tenant's retention policy in a service's KV", () => {
  it("is the default until a sweep names a period, and the named period after", async () => {
    const tenantId = freshTenant();
    expect(await readRetentionPolicy(kv(), tenantId)).toEqual({ retentionDays: DEFAULT_LEARNER_DATA_RETENTION_DAYS });
    await rememberRetentionDays(kv(), tenantId, 30);
    expect(await readRetentionPolicy(kv(), tenantId)).toEqual({ retentionDays: 30 });
  });

  it("falls back to the default for a period it cannot read", async () => {
    const tenantId = freshTenant();
    await kv().put(`learner-retention:${tenantId}`, "forever");
    expect((await readRetentionPolicy(kv(), tenantId)).retentionDays).toBe(DEFAULT_LEARNER_DATA_RETENTION_DAYS);
    await kv().put(`learner-retention:${tenantId}`, "0");
    expect((await readRetentionPolicy(kv(), tenantId)).retentionDays).toBe(DEFAULT_LEARNER_DATA_RETENTION_DAYS);
  });

  it("offboarding marks the tenant, removes (and counts) its period, and keeps the first mark for an hour", async () => {
    const tenantId = freshTenant();
    await rememberRetentionDays(kv(), tenantId, 90);
    const firstAt = Date.now() - 2 * HOUR_MS;
    expect(await markTenantOffboarded(kv(), tenantId, firstAt)).toBe(1);
    expect(await readRetentionPolicy(kv(), tenantId)).toEqual({
      retentionDays: DEFAULT_LEARNER_DATA_RETENTION_DAYS,
      offboardedAtMs: firstAt,
    });
    // The next round of the same offboarding leaves the mark alone (KV takes one write a second per key).
    expect(await markTenantOffboarded(kv(), tenantId, firstAt + 1_000)).toBe(0);
    expect((await readRetentionPolicy(kv(), tenantId)).offboardedAtMs).toBe(firstAt);
    // A later offboarding (after a re-registration) moves it, covering everything the first did.
    const laterAt = firstAt + 2 * HOUR_MS;
    await markTenantOffboarded(kv(), tenantId, laterAt);
    expect((await readRetentionPolicy(kv(), tenantId)).offboardedAtMs).toBe(laterAt);
  });
});
