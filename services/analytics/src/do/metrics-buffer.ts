import { DurableObject } from "cloudflare:workers";
import { d1Statement } from "@atomic-guide/shared";
import type { MetricSample, MetricsBatch, QuerySample, RequestSample } from "@atomic-guide/shared/metrics/schema";
import type { AuditRow } from "../audit/log";
import { compileOnly } from "../db/access";
import { metricsReads, metricsWrites } from "../db/metrics-queries";
import type { AnalyticsDatabase } from "../db/schema";
import { mergeRollup, minuteOf, NO_TENANT, type QueryRollupRow, type RequestRollupRow } from "../metrics/rollup";
import { AuditOutbox } from "./audit-outbox";
import { ErasedTenants } from "./erased-tenants";
import { prepareBufferTables } from "./metrics-buffer-tables";
import { factsOf, OpenAggregates, type OpenRollups } from "./open-aggregates";
import { storePending } from "./pending-samples";

/** How long samples wait for more before they go to D1. */
const FLUSH_DELAY_MS = 5_000;
/** A buffer this full is flushed without waiting for the alarm. */
const FLUSH_THRESHOLD = 2_000;
/**
 * At most this many raw samples per flush. A D1 database runs one statement at a time, so one
 * flush's insert holds up every learning-event write and report read behind it: small batches,
 * one after another from the alarm, let those in between.
 */
export const MAX_RAW_PER_FLUSH = 1_000;
/** A minute is rolled up once it ended this long ago; later samples are merged in. */
const ROLLUP_GRACE_MS = 15_000;
const RETRY_DELAY_MS = 30_000;
/** While D1 is unreachable samples pile up here; past this many, new ones are dropped and counted. */
const MAX_PENDING = 200_000;

export interface FlushResult {
  rawWritten: number;
  minutesRolled: number;
  /** D1 round trips this flush made (reads for late merges + the one write batch). */
  d1Calls: number;
  statements: number;
  pending: number;
}

/**
 * Buffers metric samples in its own SQLite and writes them to D1 in few, large batches: every
 * flush is ONE D1 batch holding all raw samples (one statement per table, rows as a JSON
 * parameter) and the per-minute rollups of every minute that has closed. Rollups are exact
 * because one object receives every sample of its service (named by service).
 *
 * It writes to the raw DB binding, not the measured one: measuring the metrics pipeline's own
 * writes would feed samples back into itself.
 */
export class MetricsBufferDO extends DurableObject<Env> {
  private readonly sql: SqlStorage;
  private flushing: Promise<FlushResult> | undefined;
  /** Used by the instances named for audit rows (audit/log.ts, one per database), idle everywhere else. */
  private readonly audit: AuditOutbox;
  private readonly aggregates: OpenAggregates;
  private readonly erased: ErasedTenants;

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    this.sql = ctx.storage.sql;
    this.audit = new AuditOutbox(ctx.storage, env);
    prepareBufferTables(this.sql);
    this.aggregates = new OpenAggregates(this.sql);
    this.erased = new ErasedTenants(this.sql);
  }

  async ping(): Promise<"pong"> {
    return "pong";
  }

  /** Takes a validated batch; returns as soon as it is in this object's storage. */
  async add(batch: MetricsBatch): Promise<void> {
    const room = Math.max(0, MAX_PENDING - this.pendingCount());
    const kept = batch.samples.slice(0, room).map((sample) => this.erased.strip(sample));
    const facts = kept.map(factsOf);
    storePending(this.sql, kept, facts);
    this.aggregates.add(facts);
    this.pending = this.pendingCount() + kept.length;
    if (this.unwrittenRows !== undefined) this.unwrittenRows += kept.length;
    const dropped = (batch.dropped ?? 0) + (batch.samples.length - kept.length);
    if (dropped > 0) {
      this.sql.exec(
        `INSERT INTO drops (minute, service, dropped) VALUES (?, ?, ?)
         ON CONFLICT (minute) DO UPDATE SET dropped = dropped + excluded.dropped`,
        minuteOf(batch.at),
        batch.service,
        dropped,
      );
    }
    // The flush runs in the alarm's own event, never inside an add: an async flush runs its
    // synchronous part (reading and parsing the batch, sorting a closed minute) before its first
    // await, which made the caller of the add that crossed the threshold wait for it.
    const now = Date.now();
    // A remembered time already passed may be the alarm running right now: only storage knows.
    if (this.alarmAt === undefined || (this.alarmAt !== null && this.alarmAt <= now))
      this.alarmAt = await this.ctx.storage.getAlarm();
    const alarm = this.alarmAt;
    if (this.unwritten() >= FLUSH_THRESHOLD) {
      if (alarm === null || alarm > now) await this.setAlarm(now);
    } else if (alarm === null) {
      await this.setAlarm(now + FLUSH_DELAY_MS);
    }
  }

  /** An audit row D1 could not take during an outage; durable when this returns. */
  async queueAudit(row: AuditRow, d1Binding?: string): Promise<void> {
    await this.audit.queue(row, d1Binding);
    // The outbox sets its own retry alarm.
    this.alarmAt = undefined;
  }

  async pendingAudit(): Promise<number> {
    return this.audit.pending();
  }

  /**
   * Offboarding: the tenant's buffered request samples and its audit rows still waiting for D1,
   * so neither reaches D1 after the tenant's rows were deleted. Returns how many were dropped.
   */
  async eraseTenant(tenantId: string): Promise<number> {
    this.erased.remember(tenantId);
    const samples = this.sql.exec("DELETE FROM pending WHERE tenant = ? RETURNING id", tenantId).toArray().length;
    if (samples > 0) this.pending = undefined;
    this.unwrittenRows = undefined;
    this.aggregates.forgetTenant(tenantId);
    return samples + this.audit.discardTenant(tenantId);
  }

  override async alarm(): Promise<void> {
    // This alarm has fired, and the outbox's retry may set the next: ask storage again.
    this.alarmAt = undefined;
    // Its own failure must not stop the metrics flush below (and the reverse).
    await this.audit.retry().catch(() => undefined);
    this.alarmAt = undefined;
    let result: FlushResult | undefined;
    try {
      result = await this.flush();
    } catch {
      await this.setAlarm(Date.now() + RETRY_DELAY_MS);
      return;
    }
    // Open minutes still wait for their rollup; come back when the next one closes.
    if (result.pending > 0) await this.setAlarm(Date.now() + (this.unwritten() > 0 ? 0 : FLUSH_DELAY_MS * 3));
  }

  /**
   * The alarm as this object last set or read it (null: none), so an add does not ask storage
   * each time; undefined after anything else may have changed it (the alarm ran, the audit outbox).
   */
  private alarmAt: number | null | undefined;

  private async setAlarm(at: number): Promise<void> {
    await this.ctx.storage.setAlarm(at);
    this.alarmAt = at;
  }

  /**
   * Rollups of what is still buffered (open minutes, late samples), within [from, to] minutes,
   * from the running aggregates; with `tenantId`, only that tenant's requests. Stored rollups
   * never include these, so reports add the two and see a burst at once.
   */
  async openRollups(fromMinute: string, toMinute: string, tenantId?: string): Promise<OpenRollups> {
    return this.aggregates.read(fromMinute, toMinute, tenantId);
  }

  /** One flush at a time; `now` is a parameter so tests can close minutes deterministically. */
  flush(now = Date.now()): Promise<FlushResult> {
    if (!this.flushing) {
      this.flushing = this.flushOnce(now).finally(() => {
        this.flushing = undefined;
      });
    }
    return this.flushing;
  }

  /** Rows held, counted once per object and then kept in step (count(*) walks the table). */
  private pending: number | undefined;
  private pendingCount(): number {
    this.pending ??= this.sql.exec<{ n: number }>("SELECT count(*) AS n FROM pending").one().n;
    return this.pending;
  }

  /** Rows not yet in D1, kept in step like `pending`: counting them on every add walked the index. */
  private unwrittenRows: number | undefined;
  private unwritten(): number {
    this.unwrittenRows ??= this.sql.exec<{ n: number }>("SELECT count(*) AS n FROM pending WHERE written = 0").one().n;
    return this.unwrittenRows;
  }

  private async flushOnce(now: number): Promise<FlushResult> {
    const raw = this.sql
      .exec<{ id: number; body: string }>(
        "SELECT id, body FROM pending WHERE written = 0 ORDER BY id LIMIT ?",
        MAX_RAW_PER_FLUSH,
      )
      .toArray();
    const maxRawId = raw.at(-1)?.id ?? 0;
    const cutoff = minuteOf(new Date(now - 60_000 - ROLLUP_GRACE_MS).toISOString());
    // Roll up closed minutes only once all of their samples are in hand: with a backlog, that is
    // when this batch reached past the closed minutes' samples, so rollups keep up under load.
    const closedRawTaken =
      raw.length < MAX_RAW_PER_FLUSH ||
      this.sql
        .exec("SELECT 1 FROM pending WHERE minute <= ? AND written = 0 AND id > ? LIMIT 1", cutoff, maxRawId)
        .toArray().length === 0;
    const closed = closedRawTaken ? this.aggregates.closed(cutoff) : { requests: [], queries: [], groups: [] };
    const drops = this.sql.exec<{ minute: string; service: string; dropped: number }>("SELECT * FROM drops").toArray();

    const rawSamples = raw.map((r) => JSON.parse(r.body) as MetricSample);
    const requests = rawSamples.filter((s): s is RequestSample => s.kind === "request");
    const queries = rawSamples.filter((s): s is QuerySample => s.kind === "query");
    let requestRollups = closed.requests;
    let queryRollups = closed.queries;

    let d1Calls = 0;
    const late = new Set(
      this.sql
        .exec<{ minute: string }>("SELECT minute FROM rolled WHERE minute <= ?", cutoff)
        .toArray()
        .map((r) => r.minute),
    );
    if (late.size > 0) {
      const merged = await this.mergeLate(requestRollups, queryRollups, late);
      requestRollups = merged.requestRollups;
      queryRollups = merged.queryRollups;
      d1Calls += merged.d1Calls;
    }

    const statements: D1PreparedStatement[] = [];
    const add = (compiled: { sql: string; parameters: readonly unknown[] }) =>
      statements.push(d1Statement(this.env.DB, compiled));
    if (requests.length > 0) add(metricsWrites.requestSamples(requests.map(requestRow)));
    if (queries.length > 0) add(metricsWrites.querySamples(queries.map(queryRow)));
    if (requestRollups.length > 0) add(metricsWrites.requestRollups(requestRollups));
    if (queryRollups.length > 0) add(metricsWrites.queryRollups(queryRollups));
    if (drops.length > 0) add(metricsWrites.dropped(drops));

    if (statements.length > 0) {
      await this.env.DB.batch(statements);
      d1Calls += 1;
    }

    // D1 has it all (one transaction); now forget what was written.
    this.sql.exec("UPDATE pending SET written = 1 WHERE written = 0 AND id <= ?", maxRawId);
    const minutes = [...new Set([...closed.requests, ...closed.queries].map((r) => r.minute))];
    if (closed.groups.length > 0) {
      this.sql.exec("DELETE FROM pending WHERE minute <= ? AND written = 1", cutoff);
      this.aggregates.forget(closed.groups);
      // Samples of those minutes that arrived while D1 was writing stay pending (late ones now): count them again.
      this.aggregates.rebuild(
        "SELECT id, grp, body FROM pending WHERE minute <= ? AND grp IN (SELECT value FROM json_each(?))",
        cutoff,
        JSON.stringify(closed.groups),
      );
    }
    for (const minute of minutes) this.sql.exec("INSERT OR IGNORE INTO rolled (minute) VALUES (?)", minute);
    this.sql.exec("DELETE FROM rolled WHERE minute < ?", minuteOf(new Date(now - 86_400_000).toISOString()));
    for (const drop of drops) this.sql.exec("DELETE FROM drops WHERE minute = ?", drop.minute);

    this.pending = undefined;
    this.unwrittenRows = undefined;
    return {
      rawWritten: raw.length,
      minutesRolled: minutes.length,
      d1Calls,
      statements: statements.length,
      pending: this.pendingCount(),
    };
  }

  /** Samples for a minute already rolled up: fold them into the stored rows. */
  private async mergeLate(requestRollups: RequestRollupRow[], queryRollups: QueryRollupRow[], late: Set<string>) {
    const first = <T>(compiled: { sql: string; parameters: readonly unknown[] }) =>
      this.env.DB.prepare(compiled.sql)
        .bind(...compiled.parameters)
        .first<T>();
    const lateRequests = requestRollups.filter((r) => late.has(r.minute));
    const lateQueries = queryRollups.filter((r) => late.has(r.minute));
    const [storedRequests, storedQueries] = await Promise.all([
      Promise.all(
        lateRequests.map((r) =>
          first<AnalyticsDatabase["request_rollups"]>(metricsReads.storedRequestRollup(compileOnly, r).compile()),
        ),
      ),
      Promise.all(
        lateQueries.map((r) =>
          first<AnalyticsDatabase["query_rollups"]>(metricsReads.storedQueryRollup(compileOnly, r).compile()),
        ),
      ),
    ]);
    return {
      requestRollups: requestRollups.map((r) => {
        const i = lateRequests.indexOf(r);
        const stored = i >= 0 ? storedRequests[i] : undefined;
        return stored ? mergeRollup(stored, r) : r;
      }),
      queryRollups: queryRollups.map((r) => {
        const i = lateQueries.indexOf(r);
        const stored = i >= 0 ? storedQueries[i] : undefined;
        return stored ? mergeRollup(stored, r) : r;
      }),
      d1Calls: lateRequests.length + lateQueries.length,
    };
  }
}

function requestRow(s: RequestSample): AnalyticsDatabase["request_samples"] {
  return {
    tenant_id: s.tenantId ?? NO_TENANT,
    service: s.service,
    route: s.route,
    method: s.method,
    status: s.status,
    duration_ms: s.durationMs,
    d1_ms: s.d1Ms ?? null,
    at: s.at,
  };
}

function queryRow(s: QuerySample): AnalyticsDatabase["query_samples"] {
  return {
    service: s.service,
    name: s.name,
    duration_ms: s.durationMs,
    rows_read: s.rowsRead,
    rows_written: s.rowsWritten,
    ok: s.ok ? 1 : 0,
    at: s.at,
  };
}
