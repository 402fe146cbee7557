import type { AuditEntry, AuthContext } from "@atomic-guide/shared";
import { isApiErrorLike } from "@atomic-guide/shared/errors";
import { analyticsDbFor } from "../db/access";
import { auditWrites } from "../db/audit-queries";
import type { AnalyticsDatabase } from "../db/schema";

export type AuditRow = AnalyticsDatabase["audit_log"];

/**
 * The Durable Object that holds audit entries D1 could not take (named, so every isolate finds
 * it): one per database, so a queued row is replayed into the database it was meant for.
 */
export const auditQueueFor = (env: Env, d1Binding?: string) =>
  env.METRICS_BUFFER.get(env.METRICS_BUFFER.idFromName(d1Binding ? `audit-queue:${d1Binding}` : "audit-queue"));

/**
 * Records who read or exported whose data, when, and through which route, in the tenant's
 * database (`actor.d1Binding`): the rows name the tenant's learners. Audit rows are an
 * accountability record: they are kept when a learner's data is erased (they hold ids, never
 * content) and pruned after AUDIT_RETENTION_DAYS.
 *
 * Straight to D1 when it answers; during an outage the row waits in the audit queue's outbox
 * (durable before this returns) and is replayed exactly once, so a read served from a snapshot
 * is still audited.
 */
export async function recordAuditEntry(env: Env, actor: AuthContext, entry: AuditEntry): Promise<void> {
  const row: AuditRow = {
    tenant_id: actor.tenantId,
    id: crypto.randomUUID(),
    at: new Date().toISOString(),
    actor_user_id: actor.userId,
    action: entry.action,
    route: entry.route,
    subject_user_id: entry.subjectUserId ?? null,
    context_id: entry.contextId ?? null,
  };
  try {
    await auditWrites.insert(analyticsDbFor(env, actor).db, row).execute();
  } catch (e) {
    if (!isApiErrorLike(e) || e.status !== 503) throw e;
    await auditQueueFor(env, actor.d1Binding).queueAudit(row, actor.d1Binding);
  }
}
