import type { RetentionSweep, TenantDataRemoval, TenantDb } from "@atomic-guide/shared";
import { type ErasedPage, sweepInPages } from "@atomic-guide/shared/tenant-erasure";
import type { ChatDatabase } from "../db/schema";
import { deleteConversationRows, tenantDataQueries as q } from "../db/tenant-data";
import { conversationStub, learnerStub } from "../do/stubs";
import { byLearner } from "./by-learner";

const PAGE = 50;
const PAGES_PER_CALL = 4;

/**
 * Retention: a conversation whose last message is older than the tenant's period is erased
 * whole (its object, its D1 rows, its entry in the learner's index); a learner left with
 * nothing recent is emptied too. D1 finds them here; the period is also left in KNOWLEDGE for the
 * objects' own expiry alarms, which reach conversations and learners D1 never saw.
 */
export function sweepExpiredConversations(env: Env, sweep: RetentionSweep): Promise<TenantDataRemoval> {
  return sweepInPages<ChatDatabase>(env, "chat", env.KNOWLEDGE, sweep, PAGES_PER_CALL, (tdb, cutoffIso) =>
    sweepPage(env, sweep, tdb, cutoffIso),
  );
}

async function sweepPage(
  env: Env,
  sweep: RetentionSweep,
  tdb: TenantDb<ChatDatabase>,
  cutoffIso: string,
): Promise<ErasedPage> {
  const expired = await q.expiredConversations(tdb.db, sweep.tenantId, cutoffIso, PAGE).execute();
  let objects = 0;
  for (const [userId, ids] of byLearner(expired)) {
    const owner = { tenantId: sweep.tenantId, userId, d1Binding: sweep.d1Binding };
    await Promise.all(ids.map((id) => conversationStub(env, sweep.tenantId, id).erase(owner)));
    const { emptied } = await learnerStub(env, owner).forgetConversations(ids, cutoffIso);
    objects += ids.length + (emptied ? 1 : 0);
  }
  const ids = expired.map((r) => r.conversation_id);
  const rows = await deleteConversationRows(tdb.db, sweep.tenantId, ids);
  return { rows, objects, more: expired.length === PAGE };
}
