import type { TenantDataRemoval } from "./rpc/tenant-data";

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
