import { type FaqEntry, matchFaq } from "../knowledge/faq";

/** The general follow-ups the guide offers after an answer; each is about the question before it. */
export const FOLLOW_UPS = {
  example: "Can you show me an example?",
  steps: "Can you explain that step by step?",
  review: "What should I review first?",
} as const;
export type FollowUpKind = keyof typeof FOLLOW_UPS;

const normalized = (text: string) =>
  text
    .trim()
    .toLowerCase()
    .replace(/[\s?!.]+$/u, "");
const KINDS = new Map(
  Object.entries(FOLLOW_UPS).map(([kind, text]) => [normalized(text), kind as FollowUpKind] as const),
);

/** Which of the guide's own follow-ups this message is (as offered, give or take case and the question mark). */
export const followUpKind = (message: string): FollowUpKind | undefined => KINDS.get(normalized(message));

/** Follow-up questions: related FAQ questions first, then general ones, never the one just asked. */
export function followUpSuggestions(message: string, faq: readonly FaqEntry[], answeredFaqId?: string): string[] {
  const asked = followUpKind(message);
  const related = matchFaq(message, faq, 4)
    .filter((m) => m.entry.id !== answeredFaqId)
    .map((m) => m.entry.question);
  const general = Object.entries(FOLLOW_UPS)
    .filter(([kind]) => kind !== asked)
    .map(([, text]) => text);
  return [...new Set([...related, ...general])].slice(0, 3);
}
