import { exerciseLine } from "./answer-check";
import {
  equationText,
  findLinearEquations,
  type LinearEquation,
  linearExercise,
  needsSolving,
  sameEquation,
  similarProblem,
  solve,
} from "./linear-equation";
import { typedPhrase } from "./typed-phrase";

/**
 * "Quiz me", "give me a practice problem", "another one": the learner wants an equation of their
 * own to solve, which the idle offer promises ("I can … quiz you on the key ideas"). Retrieval
 * over these words quotes whatever sentence holds "problem" or "one".
 */
const ASKS_FOR_PRACTICE =
  /^(?:(?:ok |okay |yes |sure )?(?:can you |could you |please )?(?:quiz|test) me(?: (?:on (?:this|it|that)|again))?(?: please)?|(?:can you |could you |please )?(?:give|set) me (?:a |an |one |another |one more |a new |a harder |a similar )?(?:practice |new |harder |similar |extra )?(?:problem|question|exercise|equation|one)(?: to (?:try|solve|practi[sc]e))?(?: please)?|(?:can|could) i (?:have|get|try) (?:a |another |one more |a harder )(?:practice )?(?:problem|question|one|equation)(?: please)?|(?:another|one more|a harder) (?:one|problem|question|equation)(?: please)?|more practice(?: please)?|i want to practi[sc]e|let me (?:try|practi[sc]e)(?: one)?)$/u;

/** "A harder one", "something more difficult", "challenge me": a step up from what was set. */
const ASKS_HARDER = /\b(?:harder|more difficult|tougher|trickier|challenge me|a challenge)\b/u;
const HARDER_PRACTICE =
  /^(?:(?:can you |could you |please )?(?:give me |i want |can i have |can i try )?(?:something|one|a problem|a question) (?:harder|more difficult|tougher|trickier)|(?:make it|try a) (?:harder|tougher)(?: one)?|challenge me|give me a challenge)(?: please)?$/u;

/** Whether the learner asked for a practice problem harder than the last. */
export const asksForHarder = (question: string) => ASKS_HARDER.test(typedPhrase(question));

/** "Quiz me", "another one", "something harder". */
export function asksForPractice(question: string): boolean {
  const text = typedPhrase(question);
  return ASKS_FOR_PRACTICE.test(text) || HARDER_PRACTICE.test(text);
}

/** How a practice problem begins, so the next turn finds the problem a value is offered for. */
const SET = "Your turn: solve ";
/** The page's equation it was made like, so the next turn can tell the learner moved to another. */
const LIKE = /^It is made like (.+) on this page, with (?:other numbers|one more step)\.$/mu;

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
 * The practice problem set last in the conversation's window, whatever the learner asked after it:
 * "another one" after "what does coefficient mean?" is a new problem, not the first one again.
 */
export function lastPracticeSet(messages: readonly { role: string; content: string }[]): PracticeSet | undefined {
  for (let i = messages.length - 1; i >= 0; i--) {
    const message = messages[i];
    const set = message?.role === "assistant" ? practiceSetIn(message.content) : undefined;
    if (set) return set;
  }
  return undefined;
}

/** How many things a learner undoes to solve it: a number added or taken away, a factor. */
const stepsOf = (e: LinearEquation) => (e.a !== 1 ? 1 : 0) + (e.b !== 0 ? 1 : 0);

/** The equation with both steps to undo, its solution kept: x - 6 = 4 becomes 3x - 6 = 24. */
function withBothSteps(e: LinearEquation): LinearEquation {
  const a = Math.abs(e.a) === 1 ? 3 * Math.sign(e.a) : e.a;
  const b = e.b === 0 ? 5 : e.b;
  return { ...e, a, b, c: a * Math.round(solve(e)) + b };
}

/** The hardest of `candidates`: the most steps, then the biggest factor. */
const hardest = (candidates: readonly LinearEquation[]) =>
  candidates.reduce<LinearEquation | undefined>(
    (best, e) =>
      !best || stepsOf(e) > stepsOf(best) || (stepsOf(e) === stepsOf(best) && Math.abs(e.a) > Math.abs(best.a))
        ? e
        : best,
    undefined,
  );

/**
 * A problem for the learner to solve, made like the page's exercise (the one in focus, else the
 * page's first), or like the practice problem set last, never one the page itself holds (an
 * exercise's answer is the learner's to find) nor the one just set. A harder one starts from the
 * hardest of those and the page's equations, with both steps to undo, and the second set of numbers.
 * Undefined when the page has no equation of this kind to go by.
 */
export function practiceProblem(
  pageTexts: readonly string[],
  focusText: string | undefined,
  lastSet: PracticeSet | undefined,
  harder = false,
): string | undefined {
  const onPage = pageTexts.flatMap(findLinearEquations);
  // One set on another page (the learner moved on) is not what this page's practice goes by.
  const fromThisPage = lastSet && (!lastSet.like || onPage.some((e) => equationText(e) === lastSet.like));
  const last = lastSet && fromThisPage ? linearExercise(lastSet.problem) : undefined;
  const exercise = (text: string | undefined) => {
    const line = text ? exerciseLine(text) : undefined;
    return line ? linearExercise(line) : undefined;
  };
  const pageBase = exercise(focusText) ?? pageTexts.map(exercise).find(Boolean) ?? onPage.find(needsSolving);
  const start = harder
    ? hardest([last, pageBase, ...onPage.filter(needsSolving)].filter((e) => e !== undefined))
    : (last ?? pageBase);
  if (!start) return undefined;
  const like = last && start === last ? lastSet?.like : equationText(start);
  const oneMoreStep = harder && stepsOf(start) < 2;
  const base = oneMoreStep ? withBothSteps(start) : start;
  const taken = (e: LinearEquation) =>
    onPage.some((known) => sameEquation(known, e)) || (last && sameEquation(last, e));
  const variants = harder ? [1, 0] : [0, 1];
  const made = variants.map((variant) => similarProblem(base, variant).e).find((e) => !taken(e));
  if (!made) return undefined;
  // Made like the hardest equation here, its own numbers are not always bigger: only an added step is said.
  const how = oneMoreStep ? "one more step" : "other numbers";
  return [
    `${SET}${equationText(made)}.`,
    ...(like ? [`It is made like ${like} on this page, with ${how}.`] : []),
    `Work it out on paper, then tell me the value of ${made.variable} you get ("${made.variable} = …") and I'll check it by putting it back in.`,
  ].join("\n\n");
}
