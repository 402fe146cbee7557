import type { LearnerProfile, PageContext } from "@atomic-guide/shared";
import { type FaqEntry, matchFaq } from "../knowledge/faq";

const FOLLOW_UPS = ["Can you show me an example?", "Can you explain that step by step?", "What should I review first?"];

/** Follow-up questions: related FAQ questions first, then general ones. */
export function followUpSuggestions(message: string, faq: readonly FaqEntry[], answeredFaqId?: string): string[] {
  const related = matchFaq(message, faq, 4)
    .filter((m) => m.entry.id !== answeredFaqId)
    .map((m) => m.entry.question);
  return [...new Set([...related, ...FOLLOW_UPS])].slice(0, 3);
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
