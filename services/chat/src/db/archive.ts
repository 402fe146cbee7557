import type { TenantDb } from "@atomic-guide/shared";
import { queryName } from "@atomic-guide/shared/metrics/query-name";
import { planCompiler } from "@atomic-guide/shared/metrics/query-plan";
import { type OutboxStatement, outboxStatement } from "@atomic-guide/shared/resilience/outbox";
import type { Compilable, Kysely } from "kysely";
import type { ChatDatabase } from "./schema";

/** Compiles queries for the outbox without a connection: they run later, when D1 answers. */
const compiler = planCompiler<ChatDatabase>();

/** One message as its conversation's Durable Object keeps it. */
export interface StoredMessage {
  messageId: string;
  role: "user" | "assistant";
  content: string;
  provider: string | null;
  tokens: number;
  createdAt: string;
}

/** What a message's D1 row also needs to know about its conversation. */
export interface ArchivedConversation {
  tenantId: string;
  conversationId: string;
  userId: string;
  title: string | null;
  createdAt: string;
}

type ConversationRow = ChatDatabase["conversations"];
type MessageInsert = ChatDatabase["messages"];

export const upsertConversation = (row: ConversationRow) =>
  compiler
    .insertInto("conversations")
    .values(row)
    .onConflict((oc) =>
      oc.columns(["tenant_id", "conversation_id"]).doUpdateSet((eb) => ({
        updated_at: eb.fn("max", [eb.ref("conversations.updated_at"), eb.ref("excluded.updated_at")]),
      })),
    )
    .modifyEnd(queryName("archive.upsertConversation"));

export const insertMessage = (row: MessageInsert) =>
  compiler
    .insertInto("messages")
    .values(row)
    .onConflict((oc) => oc.doNothing())
    .modifyEnd(queryName("archive.insertMessage"));

/**
 * The archive's statements have one shape each, with the row's values bound in its key order:
 * kysely compiles the text once per isolate, and every turn binds its values to it. The first
 * compile checks that its parameters are exactly the row's values in that order; if not, every
 * row is compiled in full.
 */
function boundOnce<Row extends object>(build: (row: Row) => Compilable) {
  let text: string | null | undefined;
  return (row: Row): OutboxStatement => {
    const values = Object.values(row) as OutboxStatement["params"];
    if (text === undefined) {
      const compiled = build(row).compile();
      const same =
        compiled.parameters.length === values?.length && compiled.parameters.every((p, i) => p === values[i]);
      text = same ? compiled.sql : null;
      return outboxStatement(compiled);
    }
    return text === null ? outboxStatement(build(row).compile()) : { sql: text, params: values ?? [] };
  };
}

const conversationStatement = boundOnce(upsertConversation);
const messageStatement = boundOnce(insertMessage);

/** The D1 rows of a run of messages: the conversation (updated by its last message) and each message. */
export function archiveRows(c: ArchivedConversation, messages: readonly StoredMessage[]) {
  const last = messages.at(-1);
  if (!last) return undefined;
  const conversation: ConversationRow = {
    tenant_id: c.tenantId,
    conversation_id: c.conversationId,
    user_id: c.userId,
    title: c.title,
    created_at: c.createdAt,
    updated_at: last.createdAt,
  };
  const rows = messages.map(
    (m): MessageInsert => ({
      tenant_id: c.tenantId,
      conversation_id: c.conversationId,
      message_id: m.messageId,
      user_id: c.userId,
      role: m.role,
      content: m.content,
      provider: m.provider,
      tokens: m.tokens,
      created_at: m.createdAt,
    }),
  );
  return { conversation, messages: rows };
}

/**
 * One D1 batch for a run of a conversation's messages (normally a turn: the learner's message
 * and the answer): the conversation once, then each message. Idempotent on replay: the
 * conversation is an upsert, each message keyed by its id.
 */
export function archiveStatements(c: ArchivedConversation, messages: readonly StoredMessage[]): OutboxStatement[] {
  const rows = archiveRows(c, messages);
  if (!rows) return [];
  return [conversationStatement(rows.conversation), ...rows.messages.map(messageStatement)];
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
