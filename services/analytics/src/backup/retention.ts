/** Daily dumps live under `d1/<YYYY-MM-DD>/`; operators' own backups (d1-manual/) are kept. */
export const DAILY_PREFIX = "d1/";
const DAILY_KEY = /^d1\/(\d{4}-\d{2}-\d{2})\//;

/** Deletes daily backups older than `days` (by the date in the key); returns how many objects. */
export async function pruneDailyBackups(bucket: R2Bucket, days: number, now: Date): Promise<number> {
  const cutoff = new Date(now.getTime() - days * 86_400_000).toISOString().slice(0, 10);
  let cursor: string | undefined;
  let deleted = 0;
  do {
    const page = await bucket.list({ prefix: DAILY_PREFIX, cursor, limit: 1000 });
    const old = page.objects
      .map((o) => o.key)
      .filter((key) => {
        const date = DAILY_KEY.exec(key)?.[1];
        return date !== undefined && date < cutoff;
      });
    if (old.length > 0) await bucket.delete(old);
    deleted += old.length;
    cursor = page.truncated ? page.cursor : undefined;
  } while (cursor);
  return deleted;
}
