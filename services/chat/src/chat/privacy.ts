import { type AuthContext, tenantDb } from "@atomic-guide/shared";
import { eraseArchivedLearner } from "../db/archive";
import type { ChatDatabase } from "../db/schema";
import { conversationOwner, conversationStub, learnerStub } from "../do/stubs";

/** Everything chat holds about the learner. The Durable Objects hold the whole of it; D1 is a copy. */
export async function exportLearnerData(env: Env, auth: AuthContext) {
  const learner = learnerStub(env, auth);
  const [summaries, profile, tokensUsedToday] = await Promise.all([
    learner.conversations(Number.MAX_SAFE_INTEGER),
    learner.getProfile(),
    learner.tokensUsedToday(Date.now()),
  ]);
  const conversations = await Promise.all(
    summaries.map((c) => conversationStub(env, auth.tenantId, c.conversationId).exportFor(conversationOwner(auth))),
  );
  return {
    service: "chat",
    profile,
    tokensUsedToday,
    conversations: conversations.filter((c) => c !== null),
  };
}

/** Conversation objects first (their outboxes die with them), then the D1 archive. */
export async function eraseLearnerData(env: Env, auth: AuthContext): Promise<{ deleted: number }> {
  const { conversationIds } = await learnerStub(env, auth).erase();
  const counts = await Promise.all(
    conversationIds.map((id) => conversationStub(env, auth.tenantId, id).erase(conversationOwner(auth))),
  );
  const archived = await eraseArchivedLearner(
    tenantDb<ChatDatabase>(env, { tenantId: auth.tenantId, service: "chat", d1Binding: auth.d1Binding }),
    auth.userId,
  );
  return { deleted: counts.reduce((a, b) => a + b, 0) + conversationIds.length + archived };
}
