import type { TenantDb } from "@atomic-guide/shared";
import { type OutboxStatement, outboxStatement } from "@atomic-guide/shared/resilience/outbox";
import { type Compilable, DummyDriver, Kysely, SqliteAdapter, SqliteIntrospector, SqliteQueryCompiler } from "kysely";
import type { ChatDatabase } from "./schema";

/** Compiles queries for the outbox without a connection: they run later, when D1 answers. */
const compiler = new Kysely<ChatDatabase>({
  dialect: {
    createAdapter: () => new SqliteAdapter(),
    createDriver: () => new DummyDriver(),
    createIntrospector: (db) => new SqliteIntrospector(db),
    createQueryCompiler: () => new SqliteQueryCompiler(),
  },
});

const toStatement = (query: Compilable): OutboxStatement => outboxStatement(query.compile());

export interface ArchivedMessage {
  tenantId: string;
  conversationId: string;
  userId: string;
  title: string | null;
  conversationCreatedAt: string;
  messageId: string;
  role: "user" | "assistant";
  content: string;
  provider: string | null;
  tokens: number;
  createdAt: string;
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
        ),
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
        .onConflict((oc) => oc.doNothing()),
    ),
  ];
}

/** Erasure of a learner's archive; the conversation DOs are erased first so no outbox replays it back. */
export async function eraseArchivedLearner(tdb: TenantDb<ChatDatabase>, userId: string): Promise<number> {
  const messages = await tdb.db
    .deleteFrom("messages")
    .where("tenant_id", "=", tdb.tenantId)
    .where("user_id", "=", userId)
    .executeTakeFirst();
  const conversations = await tdb.db
    .deleteFrom("conversations")
    .where("tenant_id", "=", tdb.tenantId)
    .where("user_id", "=", userId)
    .executeTakeFirst();
  return Number(messages.numDeletedRows) + Number(conversations.numDeletedRows);
}
