import { type FaqEntryView, type FaqInput, type FaqTenant, notFound } from "@atomic-guide/shared";
import { faqRepository, refreshFaqSnapshot } from "../knowledge/faq-source";

// The repository's entries are already the operator's view: it reads only the public columns.

export async function listFaq(env: Env, tenant: FaqTenant, courseId?: string) {
  return { entries: await faqRepository(env, tenant).list(courseId) };
}

export async function createFaq(env: Env, tenant: FaqTenant, input: FaqInput): Promise<FaqEntryView> {
  const { entry } = await faqRepository(env, tenant).put(crypto.randomUUID(), input);
  await refreshFaqSnapshot(env, tenant);
  return entry;
}

export async function updateFaq(env: Env, tenant: FaqTenant, faqId: string, input: FaqInput): Promise<FaqEntryView> {
  const repo = faqRepository(env, tenant);
  if (!(await repo.get(faqId))) throw notFound("No such FAQ entry.");
  const { entry } = await repo.put(faqId, input);
  await refreshFaqSnapshot(env, tenant);
  return entry;
}

export async function deleteFaq(env: Env, tenant: FaqTenant, faqId: string): Promise<{ deleted: true }> {
  if (!(await faqRepository(env, tenant).delete(faqId))) throw notFound("No such FAQ entry.");
  await refreshFaqSnapshot(env, tenant);
  return { deleted: true };
}
