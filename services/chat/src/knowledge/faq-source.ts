import { createLogger, errorFields, tenantDb } from "@atomic-guide/shared";
import { FaqRepository, type StoredFaqEntry } from "../db/faq-repo";
import type { ChatDatabase } from "../db/schema";
import { type FaqEntry, faqKey, loadFaq } from "./faq";

export interface TenantRef {
  tenantId: string;
  d1Binding?: string | undefined;
}

export const faqRepository = (env: Env, ref: TenantRef) =>
  new FaqRepository(tenantDb<ChatDatabase>(env, { tenantId: ref.tenantId, service: "chat", d1Binding: ref.d1Binding }));

/**
 * FAQ entries that may answer `question`: D1's FTS5 index first; when D1 is unavailable, the
 * tenant's KV snapshot, ranked in the Worker. Chat keeps answering either way.
 */
export async function faqCandidates(
  env: Env,
  ref: TenantRef,
  question: string,
  courseId?: string,
): Promise<FaqEntry[]> {
  try {
    return await faqRepository(env, ref).search(question, courseId);
  } catch (e) {
    createLogger({ service: "chat", tenantId: ref.tenantId }).warn(
      "FAQ search fell back to the KV snapshot",
      errorFields(e),
    );
    return loadFaq(env.KNOWLEDGE, ref.tenantId, courseId);
  }
}

/** Rewrites the tenant's KV snapshot after an admin change, so an outage serves the current FAQ. */
export async function refreshFaqSnapshot(env: Env, ref: TenantRef): Promise<void> {
  const entries: StoredFaqEntry[] = await faqRepository(env, ref).list();
  const snapshot: FaqEntry[] = entries.map(({ id, question, answer, courseId }) => ({
    id,
    question,
    answer,
    ...(courseId ? { courseId } : {}),
  }));
  await env.KNOWLEDGE.put(faqKey(ref.tenantId), JSON.stringify(snapshot));
}
