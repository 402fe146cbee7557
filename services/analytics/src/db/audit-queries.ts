import { queryName } from "@atomic-guide/shared/metrics/query-name";
import type { AnalyticsDatabase, Db } from "./schema";

export const auditWrites = {
  insert: (db: Db, row: AnalyticsDatabase["audit_log"]) =>
    db.insertInto("audit_log").values(row).modifyEnd(queryName("audit.insert")),
  /** The replay of a row queued during an outage: its id may already be in D1 (a lost answer). */
  insertQueued: (db: Db, row: AnalyticsDatabase["audit_log"]) =>
    db
      .insertInto("audit_log")
      .values(row)
      .onConflict((oc) => oc.doNothing())
      .modifyEnd(queryName("audit.insertQueued")),
};
