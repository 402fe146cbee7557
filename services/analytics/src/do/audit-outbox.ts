import { D1BindingNameSchema } from "@atomic-guide/shared";
import { hasTable } from "@atomic-guide/shared/do-schema";
import { D1Outbox, outboxStatement } from "@atomic-guide/shared/resilience/outbox";
import { flushOutbox, outboxBackoffFor } from "@atomic-guide/shared/resilience/outbox-retry";
import * as v from "valibot";
import type { AuditRow } from "../audit/log";
import { analyticsDbFor, compileOnly } from "../db/access";
import { auditWrites } from "../db/audit-queries";

const TABLE = "_outbox_audit";
/** The database this object's rows are replayed into (its name, `audit-queue[:<binding>]`, says the same). */
const TARGET_TABLE = "_audit_target";

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
  async queue(row: AuditRow, d1Binding?: string): Promise<void> {
    const outbox = this.open();
    this.storage.sql.exec(
      `INSERT INTO ${TARGET_TABLE} (id, binding) VALUES (1, ?) ON CONFLICT (id) DO UPDATE SET binding = excluded.binding`,
      v.parse(D1BindingNameSchema, d1Binding ?? "DB"),
    );
    outbox.enqueue({
      idempotencyKey: row.id,
      tenantId: row.tenant_id,
      statements: [outboxStatement(auditWrites.insertQueued(compileOnly, row).compile())],
    });
    await flushOutbox(this.storage, outbox, this.target(row.tenant_id), outboxBackoffFor(this.env));
  }

  /** From the alarm: replays what is waiting, if this object ever queued anything. */
  async retry(): Promise<void> {
    const outbox = this.outbox ?? (this.exists() ? this.open() : undefined);
    if (outbox && outbox.pending() > 0)
      await flushOutbox(this.storage, outbox, this.target("*"), outboxBackoffFor(this.env));
  }

  /** The guarded binding of this queue's database (the shared `DB` for rows queued before there was a choice). */
  private target(tenantId: string): D1Database {
    const stored = this.storage.sql
      .exec<{ binding: string }>(`SELECT binding FROM ${TARGET_TABLE} WHERE id = 1`)
      .toArray()[0];
    const binding = stored && stored.binding !== "DB" ? stored.binding : undefined;
    return analyticsDbFor(this.env, { tenantId, d1Binding: binding }).d1;
  }

  /** Drops the tenant's waiting rows (offboarding); returns how many. */
  discardTenant(tenantId: string): number {
    if (!this.outbox && !this.exists()) return 0;
    return this.open().discard(tenantId, "");
  }

  pending(): number {
    return this.outbox || this.exists() ? this.open().pending() : 0;
  }

  private exists(): boolean {
    return hasTable(this.storage.sql, TABLE);
  }

  private open(): D1Outbox {
    if (!this.outbox) {
      this.outbox = new D1Outbox(this.storage.sql, "audit");
      this.storage.sql.exec(
        `CREATE TABLE IF NOT EXISTS ${TARGET_TABLE} (id INTEGER PRIMARY KEY CHECK (id = 1), binding TEXT NOT NULL)`,
      );
    }
    return this.outbox;
  }
}
