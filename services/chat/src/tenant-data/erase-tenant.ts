import type { TenantDataRef, TenantDataRemoval, TenantDb } from "@atomic-guide/shared";
import { deleteSnapshots } from "@atomic-guide/shared/resilience/fallback";
import { socketPolicyKey } from "@atomic-guide/shared/socket-policy";
import { deletedRows, deleteKvKeys, offboardInPages, tenantDatabases } from "@atomic-guide/shared/tenant-erasure";
import { budgetKey, tenantLimitsCache } from "../budget/limits";
import type { ChatDatabase } from "../db/schema";
import { deleteConversationRows, tenantDataQueries as q } from "../db/tenant-data";
import { conversationStub, learnerStub, tenantBudgetStub } from "../do/stubs";
import { faqKey } from "../knowledge/faq";
import { courseFaqCache } from "../knowledge/faq-cache";
import { byLearner } from "./by-learner";

/** Conversations per page, and pages per call: about 250 Durable Object calls at most. */
const PAGE = 50;
const PAGES_PER_CALL = 4;

/**
 * One page of offboarding: the learners named by the page's conversations are erased (their
 * objects list conversations D1 may not have yet), then the conversations, then their rows.
 */
async function erasePage(env: Env, ref: TenantDataRef, tdb: TenantDb<ChatDatabase>) {
  const page = await q.conversationsPage(tdb.db, ref.tenantId, PAGE).execute();
  let objects = 0;
  for (const [userId, archived] of byLearner(page)) {
    const { conversationIds } = await learnerStub(env, { tenantId: ref.tenantId, userId }).erase();
    const all = [...new Set([...archived, ...conversationIds])];
    const owner = { tenantId: ref.tenantId, userId, d1Binding: ref.d1Binding };
    await Promise.all(all.map((id) => conversationStub(env, ref.tenantId, id).erase(owner)));
    objects += 1 + all.length;
  }
  const rows = await deleteConversationRows(
    tdb.db,
    ref.tenantId,
    page.map((r) => r.conversation_id),
  );
  return { rows, objects, more: page.length === PAGE };
}

/** What is left once every conversation is gone: stray messages, the FAQ, KV (budget, FAQ, socket policy), the budget counter. */
async function eraseTenantWide(env: Env, ref: TenantDataRef, dbs: readonly TenantDb<ChatDatabase>[]) {
  let rows = 0;
  for (const tdb of dbs) {
    rows += deletedRows(await q.deleteTenantMessages(tdb.db, ref.tenantId).executeTakeFirst());
    rows += deletedRows(await q.deleteFaqIndex(tdb.db, ref.tenantId).executeTakeFirst());
    rows += deletedRows(await q.deleteFaqEntries(tdb.db, ref.tenantId).executeTakeFirst());
  }
  courseFaqCache.forgetTenant(ref.tenantId);
  tenantLimitsCache.delete(ref.tenantId);
  rows += await deleteKvKeys(env.KNOWLEDGE, [
    budgetKey(ref.tenantId),
    faqKey(ref.tenantId),
    socketPolicyKey(ref.tenantId),
  ]);
  rows += await deleteSnapshots(env.SNAPSHOTS, `${ref.tenantId}:`);
  const budget = (await tenantBudgetStub(env, ref.tenantId).erase()) ? 1 : 0;
  return { rows, objects: budget };
}

/**
 * Offboarding: everything chat holds for the tenant, bounded per call; repeat until `done`. The
 * offboarding mark (in KNOWLEDGE) makes a conversation D1 never saw (its messages still in its
 * outbox) or a learner known only by a pushed profile wipe itself when its alarm next runs.
 */
export function eraseTenantData(env: Env, ref: TenantDataRef): Promise<TenantDataRemoval> {
  return offboardInPages(
    env.KNOWLEDGE,
    ref,
    tenantDatabases<ChatDatabase>(env, "chat", ref),
    PAGES_PER_CALL,
    (tdb) => erasePage(env, ref, tdb),
    (dbs) => eraseTenantWide(env, ref, dbs),
  );
}
