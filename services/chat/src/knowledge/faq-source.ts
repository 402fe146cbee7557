import { createLogger, errorFields, tenantDb } from "@atomic-guide/shared";
import { FaqRepository, type StoredFaqEntry } from "../db/faq-repo";
import type { ChatDatabase } from "../db/schema";
import { type FaqEntry, faqKey, loadFaq, rankFaq } from "./faq";
import { courseFaqCache, FAQ_CACHE_MAX_ENTRIES } from "./faq-cache";

export interface TenantRef {
  tenantId: string;
  d1Binding?: string | undefined;
}

export const faqRepository = (env: Env, ref: TenantRef) =>
  new FaqRepository(tenantDb<ChatDatabase>(env, { tenantId: ref.tenantId, service: "chat", d1Binding: ref.d1Binding }));

/** What a turn ranks of a stored entry: its text and course, not its bookkeeping. */
const faqEntryOf = ({ id, question, answer, courseId }: StoredFaqEntry): FaqEntry => ({
  id,
  question,
  answer,
  ...(courseId ? { courseId } : {}),
});

/** Candidates a turn considers, as many as D1's FTS5 search returns. */
const CANDIDATES = 8;

/**
 * FAQ entries that may answer `question`: the course's entries from this isolate's cache, ranked
 * in the Worker; on a miss they are listed from D1 and kept (a course with more entries than the
 * cache takes is searched in D1's FTS5 index each time). When D1 is unavailable, the tenant's KV
 * snapshot, ranked in the Worker. Chat keeps answering either way.
 */
export async function faqCandidates(
  env: Env,
  ref: TenantRef,
  question: string,
  courseId?: string,
): Promise<FaqEntry[]> {
  const scope = { tenantId: ref.tenantId, d1Binding: ref.d1Binding, courseId };
  const cached = courseFaqCache.get(scope);
  if (cached) return rankFaq(question, cached, CANDIDATES);
  try {
    const repo = faqRepository(env, ref);
    const listed = await repo.list(courseId);
    if (listed.length > FAQ_CACHE_MAX_ENTRIES) return await repo.search(question, courseId, CANDIDATES);
    // Without a course, list() has every course's entries; a turn without one sees the tenant-wide ones.
    const entries = listed.filter((e) => courseId !== undefined || !e.courseId).map(faqEntryOf);
    courseFaqCache.set(scope, entries);
    return rankFaq(question, entries, CANDIDATES);
  } catch (e) {
    createLogger({ service: "chat", tenantId: ref.tenantId }).warn(
      "FAQ search fell back to the KV snapshot",
      errorFields(e),
    );
    return loadFaq(env.KNOWLEDGE, ref.tenantId, courseId);
  }
}

/**
 * Rewrites the tenant's KV snapshot after an admin change, so an outage serves the current FAQ,
 * and drops this isolate's cached courses of the tenant, so its next turn sees the change.
 */
export async function refreshFaqSnapshot(env: Env, ref: TenantRef): Promise<void> {
  courseFaqCache.invalidateTenant(ref);
  const snapshot = (await faqRepository(env, ref).list()).map(faqEntryOf);
  await env.KNOWLEDGE.put(faqKey(ref.tenantId), JSON.stringify(snapshot));
}
