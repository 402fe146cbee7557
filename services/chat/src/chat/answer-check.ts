import { sentencesOf } from "../knowledge/page-blocks";
import {
  asciiMinus,
  type Equation,
  equationText,
  exerciseOf,
  numberText,
  type Side,
  sideText,
  valueAt,
} from "./equation";
import { typedPhrase } from "./typed-phrase";

/**
 * "I got x = 4, is that right?": the learner's value put back into the exercise. A learner who
 * checks by substitution learns the habit the lesson teaches; on a graded item the guide shows
 * how to check but does not work it out, so it never grades the item for them.
 */

const NUMBER = String.raw`-?\d+(?:\.\d+)?(?:\s*\/\s*\d+)?`;

const EXERCISE_NAMED = String.raw`(?: (?:to|for|in|on) (?:exercise|question|q|number|no\.?|problem) ?\d+)?`;
const IS_RIGHT = `(?: (?:right|correct|ok|okay|the answer))?(?: (?:is that|is it) (?:right|correct|ok|okay))?`;
/**
 * A value named by no letter, for an exercise with one unknown: "is it 5?", "is the answer to
 * exercise 1 5?", "I got 5, is that right?", "my answer is -2", "is 5 right?", "I think the
 * answer to exercise 1 is 5". Only the whole
 * message: "I got 5 marks" or "is it 5x?" claim nothing.
 */
const BARE_CLAIM = new RegExp(
  `^(?:so |ok |okay |hmm |um |and )?(?:` +
    [
      `(?:is|so) (?:it|the answer|the solution|the result)${EXERCISE_NAMED}`,
      `(?:i|we) (?:got|get|found|have)`,
      `(?:i|we) (?:think|reckon|believe|guess) (?:it's|it is|it might be|it should be|(?:the|my) (?:answer|solution|result)${EXERCISE_NAMED} is)`,
      `(?:my|the) (?:answer|solution|result)${EXERCISE_NAMED} is`,
      "it's|it is|answer|(?:what|how) about",
    ].join("|") +
    `):? ?(${NUMBER})${EXERCISE_NAMED}${IS_RIGHT}$|^is (${NUMBER})${IS_RIGHT}${EXERCISE_NAMED}$`,
  "iu",
);

const bareClaim = (message: string) => {
  const found = BARE_CLAIM.exec(typedPhrase(asciiMinus(message)));
  return found?.[1] ?? found?.[2];
};

/** The value the learner says they found for `variable` ("x = 4", "x=-2", "x is 29/3", "is it 4?"), if any. */
export function claimedValue(message: string, variable: string): number | undefined {
  const pattern = new RegExp(String.raw`(?<![\p{L}\d])${variable}\s*(?:=|is|equals)\s*(${NUMBER})(?![\d.\/])`, "iu");
  const raw = pattern.exec(asciiMinus(message))?.[1] ?? bareClaim(message);
  if (raw === undefined) return undefined;
  const [top, bottom] = raw.split("/").map((s) => Number(s.trim()));
  const value = bottom === undefined ? top : (top ?? Number.NaN) / bottom;
  return value !== undefined && Number.isFinite(value) ? value : undefined;
}

/**
 * A message that only reports a value ("I got x = 4, is that right?", "what about x = 5"): it
 * is about the exercise asked before, so the guide's follow-ups look past it for the question.
 */
export function onlyClaimsAValue(message: string): boolean {
  const named = /(?<![\p{L}\d])(\p{L})\s*(?:=|is|equals)\s*-?\d/iu.exec(asciiMinus(message))?.[1];
  const claimed = named !== undefined ? claimedValue(message, named) : bareClaim(message);
  return claimed !== undefined && exerciseOf(message) === undefined;
}

/** The first equation to solve among the places the question may be about, in that order. */
export function exerciseIn(texts: readonly (string | undefined)[]): Equation | undefined {
  for (const text of texts) {
    const equation = text ? exerciseOf(text) : undefined;
    if (equation) return equation;
  }
  return undefined;
}

/**
 * A sentence that sets an exercise ("Solve 3x + 7 = 22. x =", "Graded: find x if 2x - 3 = 11")
 * rather than one that explains with an equation in passing ("Some equations have x on both
 * sides, such as 5x + 2 = 3x + 10"): an instruction to work something out, or a blank to fill.
 */
const SETS_AN_EXERCISE = /\b(?:solve|find|work out|calculate)\b|=\s*(?:\?|_+|…|\.\.\.)?\s*$/iu;

/** The line of a block that sets its exercise, holding an equation to solve; undefined for prose. */
export function exerciseLine(blockText: string): string | undefined {
  return sentencesOf(blockText).find((s) => SETS_AN_EXERCISE.test(s) && exerciseOf(s) !== undefined);
}

const wrapped = (n: number) => (n < 0 ? `(${numberText(n)})` : numberText(n));

const FIND_THE_SLIP = "Look for a step where you did something to one side only, or where a sign changed by accident.";
const findTheSlip = `${FIND_THE_SLIP.charAt(0).toLowerCase()}${FIND_THE_SLIP.slice(1)}`;

/** The unknown on the left where it is on one side only ("22 = 3x + 7" is checked as 3x + 7 = 22). */
const unknownLeft = (e: Equation): Equation =>
  e.left.a === 0 && e.right.a !== 0 ? { ...e, left: e.right, right: e.left } : e;

/** A side with no unknown in it: the number the other side must make. */
const constantSide = (side: Side) => (side.a === 0 && side.tokens.every((t) => t.kind !== "letter") ? side : undefined);

export function answerCheck(exercise: Equation, value: number, graded: boolean): string {
  const e = unknownLeft(exercise);
  const v = e.variable;
  const target = constantSide(e.right);
  if (graded) {
    // Worded so the graded-item guard's "answer is ..." phrases do not mistake it for a result.
    const how = target
      ? `Work out ${sideText(e.left, "(your value)")}. If that makes ${numberText(target.b)}, you've got it.`
      : `Work out both sides with your value, ${sideText(e.left, "(your value)")} and ${sideText(e.right, "(your value)")}. If they come out equal, you've got it.`;
    return [
      `You can check this yourself: put your value for ${v} back into ${equationText(e)}.`,
      `${how} If not, ${findTheSlip}`,
    ].join("\n\n");
  }
  const left = valueAt(e.left, value);
  const right = valueAt(e.right, value);
  const working = (side: Side, result: number) => `${sideText(side, wrapped(value))} = ${numberText(result)}`;
  const claim = `${v} = ${numberText(value)}`;
  const holds = Math.abs(left - right) < 1e-9;
  const substituted = target
    ? holds
      ? `${working(e.left, left)}, the same as the right side. ✓`
      : `${working(e.left, left)}, but the right side is ${numberText(target.b)}.`
    : holds
      ? `On the left ${working(e.left, left)}, and on the right ${working(e.right, right)}: the same on both sides. ✓`
      : `On the left ${working(e.left, left)}, but on the right ${working(e.right, right)}.`;
  return [
    `Let's check ${claim} by putting it back into ${equationText(e)}:`,
    substituted,
    holds ? `So ${claim} is right.` : `So ${claim} doesn't work yet. ${FIND_THE_SLIP}`,
  ].join("\n\n");
}
