import { type FaqEntry, matchFaq } from "../knowledge/faq";
import { typedPhrase } from "./typed-phrase";

/** The general follow-ups the guide offers after an answer; each is about the question before it. */
export const FOLLOW_UPS = {
  example: "Can you show me an example?",
  steps: "Can you explain that step by step?",
  review: "What should I review first?",
} as const;
export type FollowUpKind = keyof typeof FOLLOW_UPS;

const KINDS = new Map(
  Object.entries(FOLLOW_UPS).map(([kind, text]) => [typedPhrase(text), kind as FollowUpKind] as const),
);

/**
 * What learners type instead of the chips, with nothing of their own to look up: "I don't get
 * it" and "how do I start?" ask for the last answer again, step by step; "another example" for
 * an example of it. A message
 * with words of its own ("I don't understand brackets") is a question, not one of these.
 */
const NOT_FOLLOWED =
  /^(?:(?:sorry )?i (?:still )?(?:don't|dont|do not) (?:get|understand)(?: (?:it|this|that))?|i'm (?:still )?(?:confused|lost)|i am (?:still )?(?:confused|lost)|(?:can you |could you |please )?explain (?:it |that |this )?(?:again|more simply|more slowly|differently|another way|in other words)(?: please)?|what do you mean|huh)$/u;

/** "I don't get it", "explain it more simply": the last answer was not followed, so not the same words again. */
export const saysNotFollowed = (message: string) => NOT_FOLLOWED.test(typedPhrase(message));

const TYPED: readonly [RegExp, FollowUpKind][] = [
  [NOT_FOLLOWED, "steps"],
  [
    // "How do I start?" after a question: the method for it, one step at a time.
    /^(?:what(?:'s| is) the (?:first|next) step|what(?:'s|s| is)? next|(?:so |ok |okay )?what now|now what|then what|what do i do (?:next|now)|how do i (?:start|begin)(?: (?:it|this|that))?|where do i (?:start|begin)|how do i get (?:\p{L}) (?:on its own|by itself|alone))$/u,
    "steps",
  ],
  [
    /^(?:(?:can you |could you |please )?(?:show|give) me (?:an|another|one more) example(?: please)?|(?:another|one more) example(?: please)?|(?:(?:what(?:'s| is)|is there|(?:can you |could you |please )?(?:show|give) me) )?(?:a |an )?(?:real[- ](?:life|world)|everyday) example(?: (?:of (?:it|this|that)|please))?)$/u,
    "example",
  ],
];

/**
 * Which of the guide's follow-ups this message is: a chip as offered (give or take case and the
 * question mark), or one of the few ways learners type the same thing.
 */
export function followUpKind(message: string): FollowUpKind | undefined {
  const text = typedPhrase(message);
  return KINDS.get(text) ?? TYPED.find(([pattern]) => pattern.test(text))?.[1];
}

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
