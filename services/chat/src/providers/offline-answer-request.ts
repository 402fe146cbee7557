import type { Citation } from "@atomic-guide/shared";
import { exerciseIn, exerciseLine } from "../chat/answer-check";
import { equationText } from "../chat/equation";
import { solvingHelp } from "../chat/solving-help";
import { typedPhrase } from "../chat/typed-phrase";
import { pageCitation } from "../knowledge/extract";
import { blockById, type PageBlock } from "../knowledge/page-blocks";
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

/** Words only, spaced at both ends, so "exercise 1" is found in "the answer to exercise 1?" but not in "exercise 12". */
const spacedWords = (text: string) =>
  ` ${typedPhrase(text)
    .replace(/[^\p{L}\p{N}]+/gu, " ")
    .trim()} `;

/** The block whose heading the question names ("exercise 1", "question 3"), if any. */
export function blockNamedIn(question: string, blocks: readonly PageBlock[]): PageBlock | undefined {
  const asked = spacedWords(question);
  return blocks.find((block) => {
    const heading = spacedWords(block.text.split("\n", 1)[0] ?? "");
    return heading.trim().length >= 4 && asked.includes(heading);
  });
}

/**
 * The way to the answer for the exercise the request is about: the one it writes out, else the
 * block it names by heading, else the question before (or the block it named), else the block
 * in focus. Undefined when
 * none holds an exercise the guide can show the way for, so the request is answered as any question.
 */
export function composeAnswerRequest(
  request: ModelRequest,
  blocks: readonly PageBlock[],
): { text: string; citations: Citation[] } | undefined {
  if (!asksForTheAnswer(request.question)) return undefined;
  const earlier = request.earlierQuestion;
  // A block counts for the exercise it sets, not for an equation its prose explains with.
  const setBy = (block: PageBlock | undefined) => block && { text: exerciseLine(block.text), block };
  const sources = [
    { text: request.question },
    setBy(blockNamedIn(request.question, blocks)),
    { text: earlier },
    setBy(earlier ? blockNamedIn(earlier, blocks) : undefined),
    setBy(blockById(blocks, request.elementId)),
  ];
  for (const source of sources) {
    const exercise = source?.text ? exerciseIn([source.text]) : undefined;
    const help = exercise && solvingHelp(equationText(exercise));
    if (!source || !exercise || !help) continue;
    const block = "block" in source ? source.block : undefined;
    const line = block ? source.text : undefined;
    return {
      text: [ANSWER_REQUEST_LABEL, `Your exercise: ${equationText(exercise)}.`, help.method, help.example].join("\n\n"),
      citations: block?.id && line ? [pageCitation(block.id, line)] : [],
    };
  }
  return undefined;
}
