import { type FaqEntry, matchFaq } from "../knowledge/faq";

const FOLLOW_UPS = ["Can you show me an example?", "Can you explain that step by step?", "What should I review first?"];

/** Follow-up questions: related FAQ questions first, then general ones. */
export function followUpSuggestions(message: string, faq: readonly FaqEntry[], answeredFaqId?: string): string[] {
  const related = matchFaq(message, faq, 4)
    .filter((m) => m.entry.id !== answeredFaqId)
    .map((m) => m.entry.question);
  return [...new Set([...related, ...FOLLOW_UPS])].slice(0, 3);
}
