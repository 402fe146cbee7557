import { d1Statement } from "@atomic-guide/shared";
import { everyAnalyticsDb, metricsDb } from "../db/access";
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
 * Metrics live in the shared database only; learner data (events, audit rows) in every
 * database the Worker binds, tenant databases included, found from the bindings themselves.
 */
export async function pruneExpired(env: Env, now = Date.now()): Promise<PruneResult> {
  const config = analyticsConfig(env);
  const before = (days: number) => new Date(now - days * DAY_MS).toISOString();
  const changes = (results: D1Result[], i: number) => results[i]?.meta.changes ?? 0;
  const run = async (
    { d1 }: { d1: D1Database },
    queries: { compile(): { sql: string; parameters: readonly unknown[] } }[],
  ) => {
    return d1.batch(queries.map((q) => d1Statement(d1, q.compile())));
  };

  const shared = metricsDb(env);
  const metrics = await run(shared, [
    retentionDeletes.requestSamples(shared.db, before(config.RAW_RETENTION_DAYS)),
    retentionDeletes.querySamples(shared.db, before(config.RAW_RETENTION_DAYS)),
    retentionDeletes.requestRollups(shared.db, minuteOf(before(config.ROLLUP_RETENTION_DAYS))),
    retentionDeletes.queryRollups(shared.db, minuteOf(before(config.ROLLUP_RETENTION_DAYS))),
    retentionDeletes.dropped(shared.db, minuteOf(before(config.ROLLUP_RETENTION_DAYS))),
  ]);
  let events = 0;
  let audit = 0;
  const failed: string[] = [];
  for (const database of everyAnalyticsDb(env)) {
    try {
      const learnerData = await run(database, [
        retentionDeletes.events(database.db, before(config.EVENT_RETENTION_DAYS)),
        retentionDeletes.audit(database.db, before(config.AUDIT_RETENTION_DAYS)),
      ]);
      events += changes(learnerData, 0);
      audit += changes(learnerData, 1);
    } catch {
      // One unreachable tenant database must not keep the others' expired rows.
      failed.push(database.binding);
    }
  }
  if (failed.length > 0) throw new Error(`retention sweep failed for ${failed.join(", ")}`);
  return {
    requestSamples: changes(metrics, 0),
    querySamples: changes(metrics, 1),
    requestRollups: changes(metrics, 2),
    queryRollups: changes(metrics, 3),
    dropped: changes(metrics, 4),
    events,
    audit,
  };
}
