import type { Citation } from "@atomic-guide/shared";
import { equationText, exerciseOf } from "../chat/equation";
import { solvingHelpFor } from "../chat/solving-help";
import { typedPhrase } from "../chat/typed-phrase";
import { pageCitation } from "../knowledge/extract";
import type { PageBlock } from "../knowledge/page-blocks";
import { exerciseSources } from "./offline-exercise";
import type { ModelRequest } from "./types";

/**
 * "What's the answer to exercise 1?", "Can you just tell me the answer?": a request for a
 * result, not a question about the page. Offline the guide answers it as a tutor does, with the
 * way to the answer for that exercise (the method and a similar problem worked through), so the
 * step that teaches stays the learner's. Quoting the page's sentences about "answers" (what the
 * words alone would find) helps nobody.
 */
const ASKS_FOR_THE_ANSWER =
  /\b(?:what(?:'s| is) the (?:answer|solution|result)|(?:tell|give|show) me the (?:answer|solution|result)|just (?:the )?(?:answer|solution)|solve (?:it|this|that) for me|do (?:it|this|that) for me)\b/u;

export const ANSWER_REQUEST_LABEL =
  "Offline answer (no AI model was used): I'll show you the way to it rather than the answer itself, so the last step is yours.";

export function asksForTheAnswer(question: string): boolean {
  return ASKS_FOR_THE_ANSWER.test(typedPhrase(question));
}

/**
 * "Can you just tell me the answer?" with no exercise of its own (no equation, no number naming
 * one such as "exercise 1"): about the question before, so a later look-back passes over it.
 */
export const onlyAsksForTheAnswer = (message: string) => asksForTheAnswer(message) && !/\d/u.test(message);

/**
 * The way to the answer for the exercise the request is about (the first of `exerciseSources`
 * that holds one the guide can show the way for); undefined when none does, so the request is
 * answered as any question.
 */
export function composeAnswerRequest(
  request: ModelRequest,
  blocks: readonly PageBlock[],
): { text: string; citations: Citation[] } | undefined {
  if (!asksForTheAnswer(request.question)) return undefined;
  for (const { text, block } of exerciseSources(request, blocks)) {
    const exercise = text ? exerciseOf(text) : undefined;
    const help = exercise && solvingHelpFor(exercise);
    if (!text || !exercise || !help) continue;
    return {
      text: [ANSWER_REQUEST_LABEL, `Your exercise: ${equationText(exercise)}.`, help.method, help.example].join("\n\n"),
      citations: block?.id ? [pageCitation(block.id, text)] : [],
    };
  }
  return undefined;
}
