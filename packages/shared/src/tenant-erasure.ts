import { type TenantDb, tenantDb } from "./db";
import { markTenantOffboarded, rememberRetentionDays } from "./learner-retention/tenant-policy";
import type { RetentionSweep, TenantDataRef, TenantDataRemoval } from "./rpc/tenant-data";

/** One page of a tenant's learners or conversations erased, and whether more may follow. */
export interface ErasedPage {
  rows: number;
  objects: number;
  more: boolean;
}

/** Deletes the named KV keys of a tenant; returns how many existed (receipts count KV keys as rows). */
export async function deleteKvKeys(kv: KVNamespace, keys: readonly string[]): Promise<number> {
  let deleted = 0;
  for (const key of keys) {
    if ((await kv.get(key)) === null) continue;
    await kv.delete(key);
    deleted++;
  }
  return deleted;
}

/** Rows a kysely delete removed. */
export const deletedRows = (result: { numDeletedRows: bigint }) => Number(result.numDeletedRows);

/**
 * Offboarding in bounded calls: pages of the tenant's learners (or conversations) in each of its
 * databases, at most `pagesPerCall` per call, so one call stays far under the Workers limits on
 * subrequests and time; `done: false` tells the gateway to call again. Once every page is gone,
 * `finish` removes what no page holds (tenant-wide rows, KV keys).
 */
export async function eraseInPages<D>(
  dbs: readonly D[],
  pagesPerCall: number,
  erasePage: (db: D) => Promise<ErasedPage>,
  finish: (dbs: readonly D[]) => Promise<{ rows: number; objects: number }>,
): Promise<TenantDataRemoval> {
  const total = { rows: 0, objects: 0 };
  let pages = 0;
  for (const db of dbs) {
    for (let more = true; more; ) {
      if (pages++ >= pagesPerCall) return { ...total, done: false };
      const page = await erasePage(db);
      total.rows += page.rows;
      total.objects += page.objects;
      more = page.more;
    }
  }
  const rest = await finish(dbs);
  return { rows: total.rows + rest.rows, objects: total.objects + rest.objects, done: true };
}

const DAY_MS = 86_400_000;
const NOTHING_LEFT = async () => ({ rows: 0, objects: 0 });

/**
 * Every database that may hold the tenant's rows in `service`: its own (when it has one) and the
 * shared one, which kept its rows from before a move until they were copied over.
 */
export function tenantDatabases<Schema>(env: object, service: string, ref: TenantDataRef): TenantDb<Schema>[] {
  const own = tenantDb<Schema>(env, { tenantId: ref.tenantId, service, d1Binding: ref.d1Binding });
  if (ref.d1Binding === undefined) return [own];
  return [own, tenantDb<Schema>(env, { tenantId: ref.tenantId, service })];
}

/**
 * A service's offboarding: the offboarding mark goes into `policyKv` first, so an object whose
 * data D1 never saw (still in its outbox) wipes itself at its next alarm instead of replaying it;
 * then `eraseInPages`. The policy keys the mark removes count as rows.
 */
export async function offboardInPages<D>(
  policyKv: KVNamespace,
  ref: TenantDataRef,
  dbs: readonly D[],
  pagesPerCall: number,
  erasePage: (db: D) => Promise<ErasedPage>,
  finish: (dbs: readonly D[]) => Promise<{ rows: number; objects: number }>,
): Promise<TenantDataRemoval> {
  const policyKeys = await markTenantOffboarded(policyKv, ref.tenantId, Date.now());
  const removal = await eraseInPages(dbs, pagesPerCall, erasePage, finish);
  return { ...removal, rows: removal.rows + policyKeys };
}

/**
 * A service's retention sweep: the tenant's period goes into `policyKv` for the objects' own
 * expiry alarms (they reach what D1 never saw), then pages of what the sweep's database holds
 * older than the period are erased, bounded per call like offboarding.
 */
export async function sweepInPages<Schema>(
  env: object,
  service: string,
  policyKv: KVNamespace,
  sweep: RetentionSweep,
  pagesPerCall: number,
  erasePage: (tdb: TenantDb<Schema>, cutoffIso: string) => Promise<ErasedPage>,
): Promise<TenantDataRemoval> {
  await rememberRetentionDays(policyKv, sweep.tenantId, sweep.retentionDays);
  const cutoffIso = new Date(sweep.nowMs - sweep.retentionDays * DAY_MS).toISOString();
  const tdb = tenantDb<Schema>(env, { tenantId: sweep.tenantId, service, d1Binding: sweep.d1Binding });
  return eraseInPages([tdb], pagesPerCall, (db) => erasePage(db, cutoffIso), NOTHING_LEFT);
}
