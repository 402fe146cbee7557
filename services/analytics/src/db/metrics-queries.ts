import { queryName } from "@atomic-guide/shared/metrics/query-name";
import { type ExpressionBuilder, sql } from "kysely";
import { cols, jsonInsert, upsertSet } from "./json-insert";
import type { AnalyticsDatabase, Db } from "./schema";

// The request and query metrics: samples, per-minute rollups and the dropped counter.
const REQUEST_SAMPLE_COLUMNS = ["tenant_id", "service", "route", "method", "status", "duration_ms", "d1_ms", "at"];
const QUERY_SAMPLE_COLUMNS = ["service", "name", "duration_ms", "rows_read", "rows_written", "ok", "at"];
const ROLLUP_COLUMNS = ["count", "errors", "p50_ms", "p95_ms", "p99_ms", "max_ms", "total_ms", "hist"];
const REQUEST_ROLLUP_COLUMNS = ["tenant_id", "service", "route", "minute", ...ROLLUP_COLUMNS, "d1_ms", "d1_count"];
const QUERY_ROLLUP_COLUMNS = ["service", "name", "minute", ...ROLLUP_COLUMNS, "rows_read", "rows_written"];
/** The per-minute tables: each row is one minute of a service's (or tenant's) figures. */
type MinuteTable = "request_rollups" | "query_rollups" | "metrics_dropped";
/**
 * The minutes from..to, both included, of a per-minute table: the window every report and
 * overview read is over (ISO minutes sort as text).
 */
const inMinutes = (from: string, to: string) => (eb: ExpressionBuilder<AnalyticsDatabase, MinuteTable>) =>
  eb.and([eb("minute", ">=", from), eb("minute", "<=", to)]);
/** What the route tables (per service and per tenant) read of a request rollup. */
const ROUTE_ROLLUP_READ = ["service", "route", "count", "errors", "max_ms", "d1_ms", "d1_count", "hist"] as const;
/** The names the two route reads are measured under (the report's and the overview's). */
const ROUTE_ROLLUPS_QUERY = { service: "metrics.routeRollups", tenant_id: "overview.tenantRollups" } as const;

export const metricsWrites = {
  requestSamples: (rows: readonly AnalyticsDatabase["request_samples"][]) =>
    jsonInsert(
      "metrics.insertRequestSamples",
      `INSERT INTO request_samples (${REQUEST_SAMPLE_COLUMNS.join(", ")}) SELECT ${cols(REQUEST_SAMPLE_COLUMNS)} FROM json_each(?)`,
      rows,
    ),
  querySamples: (rows: readonly AnalyticsDatabase["query_samples"][]) =>
    jsonInsert(
      "metrics.insertQuerySamples",
      `INSERT INTO query_samples (${QUERY_SAMPLE_COLUMNS.join(", ")}) SELECT ${cols(QUERY_SAMPLE_COLUMNS)} FROM json_each(?)`,
      rows,
    ),
  requestRollups: (rows: readonly AnalyticsDatabase["request_rollups"][]) =>
    jsonInsert(
      "metrics.upsertRequestRollups",
      `INSERT INTO request_rollups (${REQUEST_ROLLUP_COLUMNS.join(", ")}) SELECT ${cols(REQUEST_ROLLUP_COLUMNS)} FROM json_each(?) WHERE true
       ON CONFLICT (tenant_id, service, route, minute) DO UPDATE SET ${upsertSet([...ROLLUP_COLUMNS, "d1_ms", "d1_count"])}`,
      rows,
    ),
  queryRollups: (rows: readonly AnalyticsDatabase["query_rollups"][]) =>
    jsonInsert(
      "metrics.upsertQueryRollups",
      `INSERT INTO query_rollups (${QUERY_ROLLUP_COLUMNS.join(", ")}) SELECT ${cols(QUERY_ROLLUP_COLUMNS)} FROM json_each(?) WHERE true
       ON CONFLICT (service, minute, name) DO UPDATE SET ${upsertSet([...ROLLUP_COLUMNS, "rows_read", "rows_written"])}`,
      rows,
    ),
  dropped: (rows: readonly AnalyticsDatabase["metrics_dropped"][]) =>
    jsonInsert(
      "metrics.addDropped",
      `INSERT INTO metrics_dropped (service, minute, dropped) SELECT ${cols(["service", "minute", "dropped"])} FROM json_each(?) WHERE true
       ON CONFLICT (service, minute) DO UPDATE SET dropped = metrics_dropped.dropped + excluded.dropped`,
      rows,
    ),
};

export const metricsReads = {
  storedRequestRollup: (db: Db, key: { tenant_id: string; service: string; route: string; minute: string }) =>
    db
      .selectFrom("request_rollups")
      .selectAll()
      .where("tenant_id", "=", key.tenant_id)
      .where("service", "=", key.service)
      .where("route", "=", key.route)
      .where("minute", "=", key.minute)
      .modifyEnd(queryName("metrics.storedRequestRollup")),
  storedQueryRollup: (db: Db, key: { service: string; name: string; minute: string }) =>
    db
      .selectFrom("query_rollups")
      .selectAll()
      .where("service", "=", key.service)
      .where("minute", "=", key.minute)
      .where("name", "=", key.name)
      .modifyEnd(queryName("metrics.storedQueryRollup")),
  /** The route rows of one service's rollups (the report) or of one tenant's (its overview). */
  routeRollups: (db: Db, by: "service" | "tenant_id", key: string, from: string, to: string) =>
    db
      .selectFrom("request_rollups")
      .select(ROUTE_ROLLUP_READ)
      .where(by, "=", key)
      .where(inMinutes(from, to))
      .modifyEnd(queryName(ROUTE_ROLLUPS_QUERY[by])),
  queryRollups: (db: Db, service: string, from: string, to: string) =>
    db
      .selectFrom("query_rollups")
      .select(["service", "name", "count", "errors", "max_ms", "total_ms", "rows_read", "rows_written", "hist"])
      .where("service", "=", service)
      .where(inMinutes(from, to))
      .modifyEnd(queryName("metrics.queryRollups")),
  dropped: (db: Db, service: string, from: string, to: string) =>
    db
      .selectFrom("metrics_dropped")
      .select(sql<number>`coalesce(sum(dropped), 0)`.as("dropped"))
      .where("service", "=", service)
      .where(inMinutes(from, to))
      .modifyEnd(queryName("metrics.dropped")),
};
