import type { AuthContext, LearnerProfile, SuggestRequest, SuggestResult } from "@atomic-guide/shared";
import { faqCandidates } from "../knowledge/faq-source";
import { learnerStub } from "./learner";
import { proactiveSuggestion } from "./suggestions";

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
