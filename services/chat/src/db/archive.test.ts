import { describe, expect, it } from "vitest";
import {
  type ArchivedConversation,
  archiveRows,
  archiveStatements,
  insertMessage,
  upsertConversation,
} from "./archive";

const conversation = (title: string | null): ArchivedConversation => ({
  tenantId: "acme",
  conversationId: crypto.randomUUID(),
  userId: "u1",
  title,
  createdAt: new Date(Date.now() - 60_000).toISOString(),
});
const message = (role: "user" | "assistant", provider: string | null, tokens: number) => ({
  messageId: crypto.randomUUID(),
  role,
  content: `${role} says ${crypto.randomUUID()}`,
  provider,
  tokens,
  createdAt: new Date().toISOString(),
});

/** What kysely compiles for the same rows, statement by statement. */
function compiledInFull(c: ArchivedConversation, messages: ReturnType<typeof message>[]) {
  const rows = archiveRows(c, messages);
  if (!rows) return [];
  return [upsertConversation(rows.conversation), ...rows.messages.map(insertMessage)]
    .map((q) => q.compile())
    .map((q) => ({ sql: q.sql, params: [...q.parameters] }));
}

describe("archiveStatements", () => {
  it("binds each turn's values to the text compiled once, exactly as kysely compiles them in full", () => {
    // Several turns through the same isolate: the first compiles, the later ones reuse the text.
    const turns = [
      { c: conversation("Limits"), messages: [message("user", null, 0), message("assistant", "external", 42)] },
      { c: conversation(null), messages: [message("user", null, 0), message("assistant", "offline", 0)] },
      { c: conversation("One message"), messages: [message("user", null, 0)] },
    ];
    for (const { c, messages } of turns) {
      const statements = archiveStatements(c, messages);
      expect(statements).toHaveLength(1 + messages.length);
      expect(statements).toEqual(compiledInFull(c, messages));
    }
  });

  it("makes no statement for no messages", () => {
    expect(archiveStatements(conversation("empty"), [])).toEqual([]);
  });
});
