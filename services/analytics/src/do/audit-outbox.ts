import { D1Outbox, outboxStatement } from "@atomic-guide/shared/resilience/outbox";
import { flushOutbox, outboxBackoffFor } from "@atomic-guide/shared/resilience/outbox-retry";
import type { AuditRow } from "../audit/log";
import { analyticsDb, compileOnly } from "../db/access";
import { auditWrites } from "../db/audit-queries";

const TABLE = "_outbox_audit";

/**
 * Audit rows D1 could not take, held in the hosting object's SQLite and replayed through the
 * guarded binding (so the breaker and injected faults apply) from the object's alarm, oldest
 * first, each exactly once (the outbox's applied-key table, and the row id as a second line).
 */
export class AuditOutbox {
  private outbox: D1Outbox | undefined;

  constructor(
    private readonly storage: DurableObjectStorage,
    private readonly env: Env,
  ) {}

  /** Queues the row (durable once this returns) and tries D1 at once. */
  async queue(row: AuditRow): Promise<void> {
    const outbox = this.open();
    outbox.enqueue({
      idempotencyKey: row.id,
      tenantId: row.tenant_id,
      statements: [outboxStatement(auditWrites.insertQueued(compileOnly, row).compile())],
    });
    await flushOutbox(this.storage, outbox, analyticsDb(this.env).d1, outboxBackoffFor(this.env));
  }

  /** From the alarm: replays what is waiting, if this object ever queued anything. */
  async retry(): Promise<void> {
    const outbox = this.outbox ?? (this.exists() ? this.open() : undefined);
    if (outbox && outbox.pending() > 0)
      await flushOutbox(this.storage, outbox, analyticsDb(this.env).d1, outboxBackoffFor(this.env));
  }

  pending(): number {
    return this.outbox || this.exists() ? this.open().pending() : 0;
  }

  private exists(): boolean {
    return (
      this.storage.sql.exec("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?", TABLE).toArray().length > 0
    );
  }

  private open(): D1Outbox {
    this.outbox ??= new D1Outbox(this.storage.sql, "audit");
    return this.outbox;
  }
}
