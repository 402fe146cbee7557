import { queryName } from "@atomic-guide/shared/metrics/query-name";
import { deletedRows } from "@atomic-guide/shared/tenant-erasure";
import type { Kysely } from "kysely";
import type { ChatDatabase } from "./schema";

/**
 * Whole-tenant reads and deletes for offboarding and the retention sweep. Each page is bounded
 * so one call stays far inside a Worker's subrequest and CPU limits; callers repeat until done.
 */
export const tenantDataQueries = {
  /** A page of the tenant's archived conversations, each naming its owner. */
  conversationsPage: (db: Kysely<ChatDatabase>, tenantId: string, limit: number) =>
    db
      .selectFrom("conversations")
      .select(["conversation_id", "user_id"])
      .where("tenant_id", "=", tenantId)
      .orderBy("conversation_id")
      .limit(limit)
      .modifyEnd(queryName("tenant.conversationsPage")),
  /** Conversations whose last message is older than the cutoff: the retention sweep's work. */
  expiredConversations: (db: Kysely<ChatDatabase>, tenantId: string, cutoffIso: string, limit: number) =>
    db
      .selectFrom("conversations")
      .select(["conversation_id", "user_id"])
      .where("tenant_id", "=", tenantId)
      .where("updated_at", "<", cutoffIso)
      .limit(limit)
      .modifyEnd(queryName("retention.expiredConversations")),
  deleteMessagesOf: (db: Kysely<ChatDatabase>, tenantId: string, conversationIds: string[]) =>
    db
      .deleteFrom("messages")
      .where("tenant_id", "=", tenantId)
      .where("conversation_id", "in", conversationIds)
      .modifyEnd(queryName("tenant.deleteMessagesOf")),
  deleteConversations: (db: Kysely<ChatDatabase>, tenantId: string, conversationIds: string[]) =>
    db
      .deleteFrom("conversations")
      .where("tenant_id", "=", tenantId)
      .where("conversation_id", "in", conversationIds)
      .modifyEnd(queryName("tenant.deleteConversations")),
  /** Messages left without an archived conversation (an outbox that wrote only half a batch). */
  deleteTenantMessages: (db: Kysely<ChatDatabase>, tenantId: string) =>
    db.deleteFrom("messages").where("tenant_id", "=", tenantId).modifyEnd(queryName("tenant.deleteMessages")),
  /** faq_fts rows are found by the rowid faq_entries records (FTS5 cannot search by tenant_id). */
  deleteFaqIndex: (db: Kysely<ChatDatabase>, tenantId: string) =>
    db
      .deleteFrom("faq_fts")
      .where("rowid", "in", db.selectFrom("faq_entries").select("fts_rowid").where("tenant_id", "=", tenantId))
      .modifyEnd(queryName("tenant.deleteFaqIndex")),
  deleteFaqEntries: (db: Kysely<ChatDatabase>, tenantId: string) =>
    db.deleteFrom("faq_entries").where("tenant_id", "=", tenantId).modifyEnd(queryName("tenant.deleteFaqEntries")),
};

/** A page's conversations and their messages, messages first; returns the rows removed. */
export async function deleteConversationRows(
  db: Kysely<ChatDatabase>,
  tenantId: string,
  ids: string[],
): Promise<number> {
  if (ids.length === 0) return 0; // `IN ()` is not SQL
  const q = tenantDataQueries;
  const messages = deletedRows(await q.deleteMessagesOf(db, tenantId, ids).executeTakeFirst());
  return messages + deletedRows(await q.deleteConversations(db, tenantId, ids).executeTakeFirst());
}
