import type { Citation } from "@atomic-guide/shared";
import { exerciseLine } from "../chat/answer-check";
import { type Equation, equationText, exerciseOf, findEquations, sideText } from "../chat/equation";
import { linearExercise } from "../chat/linear-equation";
import { asksAboutANumber, numberQuestion } from "../chat/number-question";
import { practiceSetIn } from "../chat/practice-problem";
import { typedPhrase } from "../chat/typed-phrase";
import { pageCitation, WHOLE_PAGE_ID } from "../knowledge/extract";
import type { PageBlock } from "../knowledge/page-blocks";
import { pageFocus } from "../knowledge/page-focus";
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
 * one named, the practice problem the answer to it set (after the quiz item in focus when the
 * learner moved on to another item), the block or item in focus (before the question before when
 * that was about an equation this page does not hold and the learner works in a quiz item). A block counts only through the
 * exercise it sets, never for an equation its prose explains with.
 */
export function exerciseSources(request: ModelRequest, blocks: readonly PageBlock[]): ExerciseSource[] {
  const setBy = (block: PageBlock | undefined) => (block ? [{ text: exerciseLine(block.text), block }] : []);
  const earlier = request.earlierQuestion;
  const focus = setBy(pageFocus(blocks, request.elementId, request.elementText));
  // A practice problem the guide set in answer to it ("quiz me") is what "is it 6?" is for, until
  // the learner works in a quiz item other than the one it was made like: then they moved on.
  const practice = practiceSetIn(request.earlierAnswer);
  const focusText = focus[0]?.text;
  const focusExercise = focusText ? exerciseOf(focusText) : undefined;
  const likeExercise = practice?.like ? exerciseOf(practice.like) : undefined;
  const inItem = request.elementText !== undefined && focusExercise !== undefined;
  const movedOn = inItem && (likeExercise === undefined || equationText(focusExercise) !== equationText(likeExercise));
  // The conversation follows the learner from page to page: an equation asked about before that
  // this page does not hold gives way to the quiz item they now work in. One the page holds (an
  // item they asked about from another) is still what they mean.
  const earlierExercise = earlier ? exerciseOf(earlier) : undefined;
  const earlierOffThePage =
    inItem &&
    earlierExercise !== undefined &&
    !blocks.some((b) => findEquations(b.text).some((e) => equationText(e) === equationText(earlierExercise)));
  return [
    { text: request.question },
    ...setBy(blockNamedIn(request.question, blocks)),
    ...(earlierOffThePage ? focus : []),
    { text: earlier },
    ...setBy(earlier ? blockNamedIn(earlier, blocks) : undefined),
    ...(movedOn ? focus : []),
    { text: practice?.problem },
    ...(movedOn ? [] : focus),
  ];
}

/** An exercise the question names by its block's heading, read from the line that sets it. */
export interface NamedExercise {
  heading: string;
  line: string;
  equation: Equation;
  block: PageBlock;
}

/**
 * "Can you explain exercise 1?", "help with question 5": the exercise of the block the question
 * names, when the question writes out no equation of its own.
 */
export function namedExercise(question: string, blocks: readonly PageBlock[]): NamedExercise | undefined {
  if (exerciseOf(question)) return undefined;
  const block = blockNamedIn(question, blocks);
  const line = block && exerciseLine(block.text);
  const equation = line && exerciseOf(line);
  const heading = block?.text.split("\n", 1)[0]?.trim();
  return block && line && equation && heading ? { heading, line, equation, block } : undefined;
}

/** What the exercise asks, in plain words ("… the number x stands for: the one that makes 3x + 7 equal 22"). */
export const exerciseInPlainWords = ({ heading, equation: e }: NamedExercise) =>
  `${heading} asks for the number ${e.variable} stands for: the one that makes ${sideText(e.left)} equal ${sideText(e.right)}.`;

/**
 * "What do I do with the minus 3?" about the first exercise of the sources (the question's own,
 * the one it names, the one before, the practice problem, the item in focus) holding that number.
 */
export function numberAnswer(
  request: ModelRequest,
  blocks: readonly PageBlock[],
): { text: string; citations: Citation[] } | undefined {
  // Checked first: the sources read the page's equations, which most questions never need.
  if (!asksAboutANumber(request.question)) return undefined;
  for (const source of exerciseSources(request, blocks)) {
    const e = source.text ? linearExercise(source.text) : undefined;
    const text = e && numberQuestion(request.question, e);
    if (!text) continue;
    const cited = source.block && source.text ? [pageCitation(source.block.id ?? WHOLE_PAGE_ID, source.text)] : [];
    return { text, citations: cited };
  }
  return undefined;
}
