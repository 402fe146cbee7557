import { type RetentionSweep, type TenantDataRemoval, tenantDb } from "@atomic-guide/shared";
import { rememberRetentionDays } from "@atomic-guide/shared/learner-retention/tenant-policy";
import type { ChatDatabase } from "../db/schema";
import { tenantDataQueries as q } from "../db/tenant-data";
import { conversationStub, learnerStub } from "../do/stubs";
import { byLearner } from "./databases";

const DAY_MS = 86_400_000;
const PAGE = 50;
const PAGES_PER_CALL = 4;

/**
 * Retention: a conversation whose last message is older than the tenant's period is erased
 * whole (its object, its D1 rows, its entry in the learner's index); a learner left with
 * nothing recent is emptied too. D1 finds them here; the period is also left in KNOWLEDGE for the
 * objects' own expiry alarms, which reach conversations and learners D1 never saw.
 */
export async function sweepExpiredConversations(env: Env, sweep: RetentionSweep): Promise<TenantDataRemoval> {
  await rememberRetentionDays(env.KNOWLEDGE, sweep.tenantId, sweep.retentionDays);
  const cutoffIso = new Date(sweep.nowMs - sweep.retentionDays * DAY_MS).toISOString();
  const tdb = tenantDb<ChatDatabase>(env, { tenantId: sweep.tenantId, service: "chat", d1Binding: sweep.d1Binding });
  const total = { rows: 0, objects: 0 };
  for (let page = 0; page < PAGES_PER_CALL; page++) {
    const expired = await q.expiredConversations(tdb.db, sweep.tenantId, cutoffIso, PAGE).execute();
    if (expired.length === 0) return { ...total, done: true };
    for (const [userId, ids] of byLearner(expired)) {
      const owner = { tenantId: sweep.tenantId, userId, d1Binding: sweep.d1Binding };
      await Promise.all(ids.map((id) => conversationStub(env, sweep.tenantId, id).erase(owner)));
      const { emptied } = await learnerStub(env, owner).forgetConversations(ids, cutoffIso);
      total.objects += ids.length + (emptied ? 1 : 0);
    }
    const ids = expired.map((r) => r.conversation_id);
    total.rows += Number((await q.deleteMessagesOf(tdb.db, sweep.tenantId, ids).executeTakeFirst()).numDeletedRows);
    total.rows += Number((await q.deleteConversations(tdb.db, sweep.tenantId, ids).executeTakeFirst()).numDeletedRows);
    if (expired.length < PAGE) return { ...total, done: true };
  }
  return { ...total, done: false };
}
