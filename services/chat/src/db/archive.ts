import type { TenantDb } from "@atomic-guide/shared";
import { queryName } from "@atomic-guide/shared/metrics/query-name";
import { planCompiler } from "@atomic-guide/shared/metrics/query-plan";
import { type OutboxStatement, outboxStatement } from "@atomic-guide/shared/resilience/outbox";
import type { Compilable, Kysely } from "kysely";
import type { ChatDatabase } from "./schema";

/** Compiles queries for the outbox without a connection: they run later, when D1 answers. */
const compiler = planCompiler<ChatDatabase>();

const toStatement = (query: Compilable): OutboxStatement => outboxStatement(query.compile());

/** One message as its conversation's Durable Object keeps it. */
export interface StoredMessage {
  messageId: string;
  role: "user" | "assistant";
  content: string;
  provider: string | null;
  tokens: number;
  createdAt: string;
}

/** The message with what its D1 row also needs to know about the conversation. */
export interface ArchivedMessage extends StoredMessage {
  tenantId: string;
  conversationId: string;
  userId: string;
  title: string | null;
  conversationCreatedAt: string;
}

/** Idempotent on replay: the conversation is an upsert, the message keyed by its id. */
export function archiveStatements(m: ArchivedMessage): OutboxStatement[] {
  return [
    toStatement(
      compiler
        .insertInto("conversations")
        .values({
          tenant_id: m.tenantId,
          conversation_id: m.conversationId,
          user_id: m.userId,
          title: m.title,
          created_at: m.conversationCreatedAt,
          updated_at: m.createdAt,
        })
        .onConflict((oc) =>
          oc.columns(["tenant_id", "conversation_id"]).doUpdateSet((eb) => ({
            updated_at: eb.fn("max", [eb.ref("conversations.updated_at"), eb.ref("excluded.updated_at")]),
          })),
        )
        .modifyEnd(queryName("archive.upsertConversation")),
    ),
    toStatement(
      compiler
        .insertInto("messages")
        .values({
          tenant_id: m.tenantId,
          conversation_id: m.conversationId,
          message_id: m.messageId,
          user_id: m.userId,
          role: m.role,
          content: m.content,
          provider: m.provider,
          tokens: m.tokens,
          created_at: m.createdAt,
        })
        .onConflict((oc) => oc.doNothing())
        .modifyEnd(queryName("archive.insertMessage")),
    ),
  ];
}

export const eraseQueries = {
  messages: (db: Kysely<ChatDatabase>, tenantId: string, userId: string) =>
    db
      .deleteFrom("messages")
      .where("tenant_id", "=", tenantId)
      .where("user_id", "=", userId)
      .modifyEnd(queryName("learner.eraseMessages")),
  conversations: (db: Kysely<ChatDatabase>, tenantId: string, userId: string) =>
    db
      .deleteFrom("conversations")
      .where("tenant_id", "=", tenantId)
      .where("user_id", "=", userId)
      .modifyEnd(queryName("learner.eraseConversations")),
};

/** Erasure of a learner's archive; the conversation DOs are erased first so no outbox replays it back. */
export async function eraseArchivedLearner(tdb: TenantDb<ChatDatabase>, userId: string): Promise<number> {
  const messages = await eraseQueries.messages(tdb.db, tdb.tenantId, userId).executeTakeFirst();
  const conversations = await eraseQueries.conversations(tdb.db, tdb.tenantId, userId).executeTakeFirst();
  return Number(messages.numDeletedRows) + Number(conversations.numDeletedRows);
}
