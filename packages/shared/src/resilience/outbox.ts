import * as v from "valibot";
import { isApiErrorLike } from "../errors";
import { classifyD1Error, retryTransient } from "./d1-errors";

/**
 * Writes that must not be lost while D1 is unavailable wait here, in the hosting Durable
 * Object's SQLite, and are replayed oldest first, each entry as one D1 batch (one transaction).
 *
 * Exactly once: every batch starts with a plain INSERT of the entry's key into `_outbox_applied`
 * in the same D1 transaction. If D1 committed a batch but the DO never learnt it (connection
 * lost after commit, DO evicted before deleting the entry), the replay fails on that INSERT's
 * primary key, D1 rolls the whole batch back, and the entry is recognised as already applied.
 * Statements should still be idempotent (ON CONFLICT DO NOTHING / upserts on natural keys):
 * applied keys are pruned after APPLIED_KEY_RETENTION_MS.
 */

/** Values D1 binds; kysely's compiled parameters are these for every column type we use. */
const ParamSchema = v.union([v.string(), v.number(), v.boolean(), v.null()]);

export const OutboxStatementSchema = v.object({
  sql: v.pipe(v.string(), v.minLength(1), v.maxLength(100_000)),
  params: v.optional(v.array(ParamSchema)),
  /** kysely's `CompiledQuery` calls them `parameters`; either is accepted. */
  parameters: v.optional(v.array(ParamSchema)),
});
export type OutboxStatement = v.InferInput<typeof OutboxStatementSchema>;

export const OutboxEntrySchema = v.object({
  idempotencyKey: v.pipe(v.string(), v.minLength(1), v.maxLength(256)),
  /** The tenant the entry writes for; scopes the applied-key record. */
  tenantId: v.optional(v.pipe(v.string(), v.minLength(1), v.maxLength(128)), "*"),
  statements: v.pipe(v.array(OutboxStatementSchema), v.minLength(1), v.maxLength(50)),
});
export type OutboxEntryInput = v.InferInput<typeof OutboxEntrySchema>;

const OutboxNameSchema = v.pipe(v.string(), v.regex(/^[a-z][a-z0-9_]{0,39}$/));
const StoredStatementsSchema = v.array(v.object({ sql: v.string(), params: v.array(ParamSchema) }));

export const APPLIED_TABLE = "_outbox_applied";
/**
 * The outbox's own D1 statements, named with `/* name *\/` comments so metrics report them under
 * `outbox.*` (see metrics/query-name.ts). Services list the insert and prune in their query-plan
 * gate; a service that wants the prune to search rather than scan creates the table itself in a
 * migration, with an index on applied_at (the DDL below is then a no-op).
 */
export const APPLIED_TABLE_DDL = `CREATE TABLE IF NOT EXISTS ${APPLIED_TABLE} (tenant_id TEXT NOT NULL, idempotency_key TEXT NOT NULL, applied_at INTEGER NOT NULL, PRIMARY KEY (tenant_id, idempotency_key)) WITHOUT ROWID /* outbox.applied_create */`;
/** Binds (tenant_id, idempotency_key, applied_at). */
export const APPLIED_INSERT_SQL = `INSERT INTO ${APPLIED_TABLE} (tenant_id, idempotency_key, applied_at) VALUES (?, ?, ?) /* outbox.applied_insert */`;
/** Binds (applied_at cutoff). */
export const APPLIED_PRUNE_SQL = `DELETE FROM ${APPLIED_TABLE} WHERE applied_at < ? /* outbox.applied_prune */`;
export const APPLIED_KEY_RETENTION_MS = 14 * 24 * 3600 * 1000;
const PRUNE_EVERY_MS = 3600 * 1000;
/**
 * Last prune per scope, per isolate: objects of one class flushing into one database share it,
 * so a service with a fresh object per conversation prunes hourly, not once per object.
 */
const lastPruneByScope = new Map<string, number>();
/** DO SQLite rows are limited to 2 MB; an entry is one row. */
const MAX_ENTRY_BYTES = 1_000_000;

export interface FlushOptions {
  /** Entries per flush call; the alarm picks up the rest. */
  maxEntries?: number;
  /** Extra attempts of one batch on transient D1 errors (safe: the batch is idempotent). */
  retries?: number;
  /**
   * Names the database the flush writes to (e.g. `chat:DB_TENANT_X`): every outbox flushing
   * under the same scope in this isolate shares one hourly prune of the applied keys. Without
   * it the prune is per outbox instance.
   */
  pruneScope?: string;
}

export interface FlushResult {
  flushed: number;
  pending: number;
  /** Entries D1 rejected as wrong (constraint, syntax); moved aside so the queue keeps moving. */
  deadLettered?: number;
  /** Why flushing stopped with entries left; they stay queued in order. */
  error?: string;
}

interface HeadRow extends Record<string, SqlStorageValue> {
  seq: number;
  idempotency_key: string;
  tenant_id: string;
  statements: string;
  attempts: number;
}

/** Turns a kysely query's `.compile()` output into an outbox statement. */
export const outboxStatement = (compiled: { sql: string; parameters: readonly unknown[] }) =>
  v.parse(OutboxStatementSchema, { sql: compiled.sql, params: [...compiled.parameters] });

export class D1Outbox {
  private readonly table: string;
  private running: Promise<FlushResult> | undefined;
  private lastPrune = 0;

  /**
   * The outbox's two tables, as one multi-statement string: an object that records its schema
   * version (see do-schema.ts) runs it with its own tables, once, and passes `createTables: false`.
   */
  static tablesDdl(name = "default"): string {
    const table = `_outbox_${v.parse(OutboxNameSchema, name)}`;
    return `CREATE TABLE IF NOT EXISTS ${table} (seq INTEGER PRIMARY KEY AUTOINCREMENT, idempotency_key TEXT NOT NULL UNIQUE, tenant_id TEXT NOT NULL, statements TEXT NOT NULL, enqueued_at INTEGER NOT NULL, attempts INTEGER NOT NULL DEFAULT 0, last_error TEXT);
      CREATE TABLE IF NOT EXISTS ${table}_dead (seq INTEGER PRIMARY KEY, idempotency_key TEXT NOT NULL, tenant_id TEXT NOT NULL, statements TEXT NOT NULL, enqueued_at INTEGER NOT NULL, failed_at INTEGER NOT NULL, error TEXT NOT NULL);`;
  }

  constructor(
    private readonly sql: SqlStorage,
    name = "default",
    options: { createTables?: boolean } = {},
  ) {
    this.table = `_outbox_${v.parse(OutboxNameSchema, name)}`;
    if (options.createTables !== false) sql.exec(D1Outbox.tablesDdl(name));
  }

  /**
   * Queues one write (validated; throws a valibot error on a malformed entry). A key already
   * waiting is not queued twice. Synchronous: in a DO, it is durable once the current event's
   * output gate opens, before any reply leaves.
   */
  enqueue(entry: OutboxEntryInput): void {
    const parsed = v.parse(OutboxEntrySchema, entry);
    const statements = parsed.statements.map((s) => ({ sql: s.sql, params: s.params ?? s.parameters ?? [] }));
    const json = JSON.stringify(statements);
    if (json.length > MAX_ENTRY_BYTES) throw new RangeError("outbox entry too large");
    this.sql.exec(
      `INSERT INTO ${this.table} (idempotency_key, tenant_id, statements, enqueued_at) VALUES (?, ?, ?, ?) ON CONFLICT (idempotency_key) DO NOTHING`,
      parsed.idempotencyKey,
      parsed.tenantId,
      json,
      Date.now(),
    );
  }

  pending(): number {
    return Number(this.sql.exec(`SELECT COUNT(*) AS n FROM ${this.table}`).one().n);
  }

  has(idempotencyKey: string): boolean {
    return this.sql.exec(`SELECT 1 FROM ${this.table} WHERE idempotency_key = ?`, idempotencyKey).toArray().length > 0;
  }

  /** Attempts made on the oldest entry; drives the retry backoff. */
  headAttempts(): number {
    const row = this.sql.exec(`SELECT attempts FROM ${this.table} ORDER BY seq LIMIT 1`).toArray()[0];
    return row ? Number(row.attempts) : 0;
  }

  /** Keys waiting, oldest first (for export, erasure and tests). */
  pendingKeys(): string[] {
    return this.sql
      .exec(`SELECT idempotency_key FROM ${this.table} ORDER BY seq`)
      .toArray()
      .map((r) => String(r.idempotency_key));
  }

  /** Drops waiting entries for a tenant whose keys start with `keyPrefix` (learner erasure). */
  discard(tenantId: string, keyPrefix: string): number {
    return this.sql.exec(
      `DELETE FROM ${this.table} WHERE tenant_id = ? AND substr(idempotency_key, 1, ?) = ?`,
      tenantId,
      keyPrefix.length,
      keyPrefix,
    ).rowsWritten;
  }

  /**
   * Replays waiting entries oldest first. Stops at the first D1 outage so order is kept;
   * concurrent calls share one run.
   */
  flush(d1: D1Database, options: FlushOptions = {}): Promise<FlushResult> {
    if (!this.running) {
      this.running = this.replay(d1, options).finally(() => {
        this.running = undefined;
      });
    }
    return this.running;
  }

  private async replay(d1: D1Database, options: FlushOptions): Promise<FlushResult> {
    const limit = options.maxEntries ?? 100;
    let flushed = 0;
    let deadLettered = 0;
    for (let i = 0; i < limit; i++) {
      const head = this.sql.exec<HeadRow>(`SELECT * FROM ${this.table} ORDER BY seq LIMIT 1`).toArray()[0];
      if (!head) break;
      const outcome = await this.apply(d1, head, options.retries ?? 2);
      if (outcome === "applied") {
        this.sql.exec(`DELETE FROM ${this.table} WHERE seq = ?`, head.seq);
        flushed++;
      } else if (outcome.kind === "rejected") {
        this.deadLetter(head, outcome.error);
        deadLettered++;
      } else {
        this.sql.exec(
          `UPDATE ${this.table} SET attempts = attempts + 1, last_error = ? WHERE seq = ?`,
          outcome.error,
          head.seq,
        );
        return { flushed, pending: this.pending(), error: outcome.error, ...(deadLettered ? { deadLettered } : {}) };
      }
    }
    if (flushed > 0) await this.pruneAppliedKeys(d1, options.pruneScope);
    return { flushed, pending: this.pending(), ...(deadLettered ? { deadLettered } : {}) };
  }

  private async apply(
    d1: D1Database,
    head: HeadRow,
    retries: number,
  ): Promise<"applied" | { kind: "rejected" | "unavailable"; error: string }> {
    const statements = v.parse(StoredStatementsSchema, JSON.parse(head.statements));
    const batch = () =>
      d1.batch([
        d1.prepare(APPLIED_TABLE_DDL),
        d1.prepare(APPLIED_INSERT_SQL).bind(head.tenant_id, head.idempotency_key, Date.now()),
        ...statements.map((s) => d1.prepare(s.sql).bind(...s.params)),
      ]);
    try {
      await retryTransient(batch, { retries });
      return "applied";
    } catch (e) {
      const message = e instanceof Error ? e.message : String(e);
      if (isApiErrorLike(e)) return { kind: "unavailable", error: e.code };
      if (classifyD1Error(e) !== "caller") return { kind: "unavailable", error: message.slice(0, 200) };
      // Our own key's primary key failing means an earlier attempt already committed.
      if (message.includes(APPLIED_TABLE)) return "applied";
      return { kind: "rejected", error: message.slice(0, 500) };
    }
  }

  private deadLetter(head: HeadRow, error: string): void {
    this.sql.exec(
      `INSERT INTO ${this.table}_dead (seq, idempotency_key, tenant_id, statements, enqueued_at, failed_at, error) SELECT seq, idempotency_key, tenant_id, statements, enqueued_at, ?, ? FROM ${this.table} WHERE seq = ?`,
      Date.now(),
      error,
      head.seq,
    );
    this.sql.exec(`DELETE FROM ${this.table} WHERE seq = ?`, head.seq);
    console.error(
      JSON.stringify({
        level: "error",
        msg: "outbox entry rejected by D1",
        outbox: this.table,
        key: head.idempotency_key,
        error,
      }),
    );
  }

  /** Entries D1 rejected, for operators. */
  deadLetters(): { idempotencyKey: string; error: string }[] {
    return this.sql
      .exec(`SELECT idempotency_key, error FROM ${this.table}_dead ORDER BY seq`)
      .toArray()
      .map((r) => ({ idempotencyKey: String(r.idempotency_key), error: String(r.error) }));
  }

  private async pruneAppliedKeys(d1: D1Database, scope: string | undefined): Promise<void> {
    const now = Date.now();
    const last = scope === undefined ? this.lastPrune : (lastPruneByScope.get(scope) ?? 0);
    if (now - last < PRUNE_EVERY_MS) return;
    if (scope === undefined) this.lastPrune = now;
    else lastPruneByScope.set(scope, now);
    try {
      await d1
        .prepare(APPLIED_PRUNE_SQL)
        .bind(now - APPLIED_KEY_RETENTION_MS)
        .run();
    } catch {
      // Pruning is housekeeping; the next flush tries again an hour later.
    }
  }
}
