import { queryName } from "@atomic-guide/shared/metrics/query-name";
import type { Db } from "./schema";

/** Retention: each table's expiry column is indexed, so a sweep searches rather than scans. */
export const retentionDeletes = {
  requestSamples: (db: Db, before: string) =>
    db.deleteFrom("request_samples").where("at", "<", before).modifyEnd(queryName("retention.requestSamples")),
  querySamples: (db: Db, before: string) =>
    db.deleteFrom("query_samples").where("at", "<", before).modifyEnd(queryName("retention.querySamples")),
  requestRollups: (db: Db, beforeMinute: string) =>
    db
      .deleteFrom("request_rollups")
      .where("minute", "<", beforeMinute)
      .modifyEnd(queryName("retention.requestRollups")),
  queryRollups: (db: Db, beforeMinute: string) =>
    db.deleteFrom("query_rollups").where("minute", "<", beforeMinute).modifyEnd(queryName("retention.queryRollups")),
  dropped: (db: Db, beforeMinute: string) =>
    db.deleteFrom("metrics_dropped").where("minute", "<", beforeMinute).modifyEnd(queryName("retention.dropped")),
  events: (db: Db, before: string) =>
    db.deleteFrom("learning_events").where("at", "<", before).modifyEnd(queryName("retention.events")),
  audit: (db: Db, before: string) =>
    db.deleteFrom("audit_log").where("at", "<", before).modifyEnd(queryName("retention.audit")),
};
