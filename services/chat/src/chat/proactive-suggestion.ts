import type { AuthContext, LearnerProfile, PageContext, SuggestRequest, SuggestResult } from "@atomic-guide/shared";
import { learnerStub } from "../do/stubs";
import { type FaqEntry, matchFaq } from "../knowledge/faq";
import { faqCandidates } from "../knowledge/faq-source";

/** The offer for `POST /api/chat/suggestion` and the `suggest` RPC, with the learner's stored profile. */
export async function suggestFor(
  env: Env,
  auth: AuthContext,
  request: Omit<SuggestRequest, "learnerProfile"> & { learnerProfile?: LearnerProfile | undefined },
): Promise<SuggestResult> {
  const courseId = request.pageContext?.courseId ?? auth.contextId;
  const [faq, stored] = await Promise.all([
    faqCandidates(
      env,
      auth,
      [request.pageContext?.pageTitle, request.learnerProfile?.strugglingTopics?.[0]].filter(Boolean).join(" "),
      courseId,
    ),
    request.learnerProfile ? Promise.resolve(null) : learnerStub(env, auth).getProfile(),
  ]);
  const profile = request.learnerProfile ?? stored ?? undefined;
  const page = request.elementId ? { ...request.pageContext, elementId: request.elementId } : request.pageContext;
  return { suggestion: proactiveSuggestion(request.trigger, page, profile, faq), provider: "offline" };
}

/**
 * A proactive offer for a learner who seems stuck or idle. Built from templates and retrieval,
 * so it costs no model tokens and answers even when every model is down.
 */
export function proactiveSuggestion(
  trigger: "struggle" | "idle",
  page: PageContext | undefined,
  profile: LearnerProfile | undefined,
  faq: readonly FaqEntry[],
): string {
  const title = page?.pageTitle?.trim().slice(0, 120);
  const topic = profile?.strugglingTopics?.[0]?.slice(0, 120);
  const probe = [title, topic, page?.pageContent?.slice(0, 2000)].filter(Boolean).join(" ");
  const faqHit = probe ? matchFaq(probe, faq, 1)[0] : undefined;
  if (trigger === "struggle") {
    if (faqHit && faqHit.coverage >= 0.2)
      return `Stuck? Others have asked: "${faqHit.entry.question}" Want me to explain?`;
    if (title) return `This part of "${title}" can be tricky. Want me to walk you through it step by step?`;
    return "This part can be tricky. Want me to walk you through it step by step?";
  }
  if (title) return `Still with "${title}"? I can summarise it or quiz you on the key ideas.`;
  return "Need a hand? I can summarise this page or answer a question about it.";
}
