import { exerciseLine } from "../chat/answer-check";
import { typedPhrase } from "../chat/typed-phrase";
import { blockById, type PageBlock } from "../knowledge/page-blocks";
import type { ModelRequest } from "./types";

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

/** A text that may hold the exercise, and the block it is the exercise line of, for the citation. */
export interface ExerciseSource {
  text: string | undefined;
  block?: PageBlock;
}

/**
 * Where the exercise a question is about may be written, in the order the offline guide looks
 * (for a value to check, "I got x = 4", and for a request for the answer alike): the question
 * itself, the block it names by heading ("for exercise 1"), the question before, the block that
 * one named, the block in focus. A block counts only through the exercise it sets, never for an
 * equation its prose explains with.
 */
export function exerciseSources(request: ModelRequest, blocks: readonly PageBlock[]): ExerciseSource[] {
  const setBy = (block: PageBlock | undefined) => (block ? [{ text: exerciseLine(block.text), block }] : []);
  const earlier = request.earlierQuestion;
  return [
    { text: request.question },
    ...setBy(blockNamedIn(request.question, blocks)),
    { text: earlier },
    ...setBy(earlier ? blockNamedIn(earlier, blocks) : undefined),
    ...setBy(blockById(blocks, request.elementId)),
  ];
}
