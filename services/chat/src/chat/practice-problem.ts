import { exerciseLine } from "./answer-check";
import {
  equationText,
  findLinearEquations,
  type LinearEquation,
  linearExercise,
  needsSolving,
  sameEquation,
  similarProblem,
} from "./linear-equation";
import { typedPhrase } from "./typed-phrase";

/**
 * "Quiz me", "give me a practice problem", "another one": the learner wants an equation of their
 * own to solve, which the idle offer promises ("I can … quiz you on the key ideas"). Retrieval
 * over these words quotes whatever sentence holds "problem" or "one".
 */
const ASKS_FOR_PRACTICE =
  /^(?:(?:ok |okay |yes |sure )?(?:can you |could you |please )?(?:quiz|test) me(?: (?:on (?:this|it|that)|again))?(?: please)?|(?:can you |could you |please )?(?:give|set) me (?:a |an |one |another |one more |a new |a harder |a similar )?(?:practice |new |harder |similar |extra )?(?:problem|question|exercise|equation|one)(?: to (?:try|solve|practi[sc]e))?(?: please)?|(?:can|could) i (?:have|get|try) (?:a |another |one more |a harder )(?:practice )?(?:problem|question|one|equation)(?: please)?|(?:another|one more|a harder) (?:one|problem|question|equation)(?: please)?|more practice(?: please)?|i want to practi[sc]e|let me (?:try|practi[sc]e)(?: one)?)$/u;

export const asksForPractice = (question: string) => ASKS_FOR_PRACTICE.test(typedPhrase(question));

/** How a practice problem begins, so the next turn finds the problem a value is offered for. */
const SET = "Your turn: solve ";
/** The page's equation it was made like, so the next turn can tell the learner moved to another. */
const LIKE = /^It is made like (.+) on this page, with other numbers\.$/mu;

export interface PracticeSet {
  /** The equation to solve ("2y + 5 = 13"). */
  problem: string;
  /** The page's equation it was made like ("3x + 7 = 22"). */
  like?: string | undefined;
}

/** The practice problem the guide set in `answer` ("Your turn: solve 2y + 5 = 13."), if it set one. */
export function practiceSetIn(answer: string | undefined): PracticeSet | undefined {
  const line = answer?.split("\n").find((l) => l.startsWith(SET));
  if (!line) return undefined;
  return { problem: line.slice(SET.length).replace(/\.$/, ""), like: answer && LIKE.exec(answer)?.[1] };
}

/**
 * A problem for the learner to solve, made like the page's exercise (the one in focus, else the
 * page's first), or like the practice problem set last, never one the page itself holds (an
 * exercise's answer is the learner's to find) nor the one just set. Undefined when the page has no
 * equation of this kind to go by.
 */
export function practiceProblem(
  pageTexts: readonly string[],
  focusText: string | undefined,
  lastSet: PracticeSet | undefined,
): string | undefined {
  const onPage = pageTexts.flatMap(findLinearEquations);
  const last = lastSet ? linearExercise(lastSet.problem) : undefined;
  const exercise = (text: string | undefined) => {
    const line = text ? exerciseLine(text) : undefined;
    return line ? linearExercise(line) : undefined;
  };
  const pageBase = exercise(focusText) ?? pageTexts.map(exercise).find(Boolean) ?? onPage.find(needsSolving);
  const base: LinearEquation | undefined = last ?? pageBase;
  if (!base) return undefined;
  const like = lastSet ? lastSet.like : pageBase && equationText(pageBase);
  const taken = (e: LinearEquation) =>
    onPage.some((known) => sameEquation(known, e)) || (last && sameEquation(last, e));
  const made = [0, 1].map((variant) => similarProblem(base, variant).e).find((e) => !taken(e));
  if (!made) return undefined;
  return [
    `${SET}${equationText(made)}.`,
    ...(like ? [`It is made like ${like} on this page, with other numbers.`] : []),
    `Work it out on paper, then tell me the value of ${made.variable} you get ("${made.variable} = …") and I'll check it by putting it back in.`,
  ].join("\n\n");
}
