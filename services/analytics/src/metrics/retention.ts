import { analyticsDb } from "../db/access";
import { retentionDeletes } from "../db/retention-queries";
import { analyticsConfig } from "../env";
import { minuteOf } from "./rollup";

const DAY_MS = 86_400_000;

export interface PruneResult {
  requestSamples: number;
  querySamples: number;
  requestRollups: number;
  queryRollups: number;
  dropped: number;
  events: number;
  audit: number;
}

/**
 * Deletes what has outlived its retention. Runs every 15 minutes from the cron trigger, so each
 * sweep removes only about 15 minutes' worth of rows, each through its table's time index.
 */
export async function pruneExpired(env: Env, now = Date.now()): Promise<PruneResult> {
  const config = analyticsConfig(env);
  const before = (days: number) => new Date(now - days * DAY_MS).toISOString();
  const { d1, db } = analyticsDb(env);
  const statements = [
    retentionDeletes.requestSamples(db, before(config.RAW_RETENTION_DAYS)),
    retentionDeletes.querySamples(db, before(config.RAW_RETENTION_DAYS)),
    retentionDeletes.requestRollups(db, minuteOf(before(config.ROLLUP_RETENTION_DAYS))),
    retentionDeletes.queryRollups(db, minuteOf(before(config.ROLLUP_RETENTION_DAYS))),
    retentionDeletes.dropped(db, minuteOf(before(config.ROLLUP_RETENTION_DAYS))),
    retentionDeletes.events(db, before(config.EVENT_RETENTION_DAYS)),
    retentionDeletes.audit(db, before(config.AUDIT_RETENTION_DAYS)),
  ].map((q) => q.compile());
  const results = await d1.batch(statements.map((s) => d1.prepare(s.sql).bind(...s.parameters)));
  const changes = (i: number) => results[i]?.meta.changes ?? 0;
  return {
    requestSamples: changes(0),
    querySamples: changes(1),
    requestRollups: changes(2),
    queryRollups: changes(3),
    dropped: changes(4),
    events: changes(5),
    audit: changes(6),
  };
}
