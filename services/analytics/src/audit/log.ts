import type { AuditEntry, AuthContext } from "@atomic-guide/shared";
import { analyticsDb } from "../db/access";
import { auditWrites } from "../db/queries";

/**
 * Records who read or exported whose data, when, and through which route. Audit rows are an
 * accountability record: they are kept when a learner's data is erased (they hold ids, never
 * content) and pruned after AUDIT_RETENTION_DAYS.
 */
export async function recordAuditEntry(env: Env, actor: AuthContext, entry: AuditEntry): Promise<void> {
  const { db } = analyticsDb(env);
  await auditWrites
    .insert(db, {
      tenant_id: actor.tenantId,
      id: crypto.randomUUID(),
      at: new Date().toISOString(),
      actor_user_id: actor.userId,
      action: entry.action,
      route: entry.route,
      subject_user_id: entry.subjectUserId ?? null,
      context_id: entry.contextId ?? null,
    })
    .execute();
}
