import {
  asciiMinus,
  equationText,
  findLinearEquations,
  type LinearEquation,
  leftSide,
  needsSolving,
  numberText,
} from "./linear-equation";

/**
 * "I got x = 4, is that right?": the learner's value put back into the exercise. A learner who
 * checks by substitution learns the habit the lesson teaches; on a graded item the guide shows
 * how to check but does not work it out, so it never grades the item for them.
 */

const NUMBER = String.raw`-?\d+(?:\.\d+)?(?:\s*\/\s*\d+)?`;

/** The value the learner says they found for `variable` ("x = 4", "x=-2", "x is 29/3"), if any. */
export function claimedValue(message: string, variable: string): number | undefined {
  const pattern = new RegExp(String.raw`(?<![\p{L}\d])${variable}\s*(?:=|is|equals)\s*(${NUMBER})(?![\d.\/])`, "iu");
  const raw = pattern.exec(asciiMinus(message))?.[1];
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
  return named !== undefined && claimedValue(message, named) !== undefined && exerciseIn([message]) === undefined;
}

/** The first equation to solve among the places the question may be about, in that order. */
export function exerciseIn(texts: readonly (string | undefined)[]): LinearEquation | undefined {
  for (const text of texts) {
    const equation = text ? findLinearEquations(text).find(needsSolving) : undefined;
    if (equation) return equation;
  }
  return undefined;
}

const wrapped = (n: number) => (n < 0 ? `(${numberText(n)})` : numberText(n));

const FIND_THE_SLIP = "Look for a step where you did something to one side only, or where a sign changed by accident.";

export function answerCheck(e: LinearEquation, value: number, graded: boolean): string {
  const v = e.variable;
  if (graded) {
    return [
      `You can check this yourself: put your value for ${v} back into ${equationText(e)}.`,
      // Worded so the graded-item guard's "answer is ..." phrases do not mistake it for a result.
      `Work out ${leftSide(e, "(your value)")}. If that makes ${e.c}, you've got it. If not, ${FIND_THE_SLIP.charAt(0).toLowerCase()}${FIND_THE_SLIP.slice(1)}`,
    ].join("\n\n");
  }
  const left = e.a * value + e.b;
  const working = `${leftSide(e, wrapped(value))} = ${numberText(left)}`;
  const claim = `${v} = ${numberText(value)}`;
  if (Math.abs(left - e.c) < 1e-9) {
    return [
      `Let's check ${claim} by putting it back into ${equationText(e)}:`,
      `${working}, the same as the right side. ✓`,
      `So ${claim} is right.`,
    ].join("\n\n");
  }
  return [
    `Let's check ${claim} by putting it back into ${equationText(e)}:`,
    `${working}, but the right side is ${e.c}.`,
    `So ${claim} doesn't work yet. ${FIND_THE_SLIP}`,
  ].join("\n\n");
}
