import { type FaqEntryView, type FaqInput, type FaqTenant, notFound } from "@atomic-guide/shared";
import type { StoredFaqEntry } from "../db/faq-repo";
import { faqRepository, refreshFaqSnapshot } from "../knowledge/faq-source";

const view = (e: StoredFaqEntry): FaqEntryView => ({
  id: e.id,
  question: e.question,
  answer: e.answer,
  ...(e.courseId ? { courseId: e.courseId } : {}),
  createdAt: e.createdAt,
  updatedAt: e.updatedAt,
});

export async function listFaq(env: Env, tenant: FaqTenant, courseId?: string) {
  return { entries: (await faqRepository(env, tenant).list(courseId)).map(view) };
}

export async function createFaq(env: Env, tenant: FaqTenant, input: FaqInput): Promise<FaqEntryView> {
  const { entry } = await faqRepository(env, tenant).put(crypto.randomUUID(), input);
  await refreshFaqSnapshot(env, tenant);
  return view(entry);
}

export async function updateFaq(env: Env, tenant: FaqTenant, faqId: string, input: FaqInput): Promise<FaqEntryView> {
  const repo = faqRepository(env, tenant);
  if (!(await repo.get(faqId))) throw notFound("No such FAQ entry.");
  const { entry } = await repo.put(faqId, input);
  await refreshFaqSnapshot(env, tenant);
  return view(entry);
}

export async function deleteFaq(env: Env, tenant: FaqTenant, faqId: string): Promise<{ deleted: true }> {
  if (!(await faqRepository(env, tenant).delete(faqId))) throw notFound("No such FAQ entry.");
  await refreshFaqSnapshot(env, tenant);
  return { deleted: true };
}
