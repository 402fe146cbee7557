import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { ask, learner } from "../testing/helpers";
import { conversationStub } from "./stubs";

const tenantDb = () => (env as unknown as { DB_TENANT_TEST: D1Database }).DB_TENANT_TEST;

const messageIds = async (db: D1Database, tenantId: string, conversationId: string) =>
  (
    await db
      .prepare("SELECT message_id FROM messages WHERE tenant_id = ? AND conversation_id = ? ORDER BY created_at")
      .bind(tenantId, conversationId)
      .all<{ message_id: string }>()
  ).results.map((r) => r.message_id);

describe("a conversation after its tenant moved to its own database", () => {
  it("archives the turns after the move to the tenant's database, not the one it began in", async () => {
    const before = learner();
    const first = await ask(before, { message: "What is a derivative?" }, { provider: "offline" });
    const stub = conversationStub(env, before.tenantId, first.conversationId);
    expect(await stub.archiveNow()).toEqual({ pending: 0 });
    expect(await messageIds(env.DB, before.tenantId, first.conversationId)).toHaveLength(2);

    // The operator moved the tenant: the tenant record (so every caller's auth) names DB_TENANT_TEST.
    const after = { ...before, d1Binding: "DB_TENANT_TEST" };
    const second = await ask(
      after,
      { conversationId: first.conversationId, message: "And an integral?" },
      { provider: "offline" },
    );
    expect(await stub.archiveNow()).toEqual({ pending: 0 });

    const moved = await messageIds(tenantDb(), before.tenantId, first.conversationId);
    expect(moved).toContain(second.messageId);
    expect(moved).toHaveLength(2);
    // Nothing of the later turn reached the old database.
    const old = await messageIds(env.DB, before.tenantId, first.conversationId);
    expect(old).not.toContain(second.messageId);
    expect(old).toHaveLength(2);
  });
});
