import { type Equation, equationText, findEquations, isSolvedForm, numberText, sideText, solutionOf } from "./equation";
import { linearForm } from "./linear-equation";

/** Words a learner asks about a step with: "is it the same", "so", "then I get", an arrow. */
const ASKS_ABOUT_A_STEP =
  /\b(?:same|right|correct|ok(?:ay)?|follows?|equivalent|then|so|get|got|gives?|becomes?|turns? into)\b|→|=>|->/iu;

/**
 * The move from one left side to the other where it is one of the balance method's, in the
 * words of "That step …": "adds 3 to both sides", "divides both sides by 2".
 */
function moveBetween(from: Equation, to: Equation): string | undefined {
  const a = linearForm(from);
  const b = linearForm(to);
  if (!a || !b) return undefined;
  if (a.a === b.a && a.b !== b.b) {
    const taken = a.b - b.b;
    return taken > 0 ? `takes ${numberText(taken)} away from both sides` : `adds ${numberText(-taken)} to both sides`;
  }
  if (a.b === 0 && b.b === 0 && a.a !== b.a && Number.isInteger(a.a / b.a)) {
    return `divides both sides by ${numberText(a.a / b.a)}`;
  }
  return undefined;
}

/**
 * "Is 2x − 3 = 11 the same as 2x = 14?", "3x + 7 = 22, so 3x = 29?": a step the learner took
 * from one equation to the next. The step keeps the balance when both equations have the same
 * solution. Said without that solution (the item may be graded): a right step is confirmed, a
 * wrong one gets the move its left side made, to be made on the right side too. Undefined when
 * the text does not ask about two equations in one unknown.
 */
export function stepCheck(text: string): string | undefined {
  if (!ASKS_ABOUT_A_STEP.test(text)) return undefined;
  const [from, to] = findEquations(text).filter((e) => !isSolvedForm(e));
  if (!from || !to || from.variable !== to.variable) return undefined;
  const move = moveBetween(from, to);
  if (solutionOf(from) === solutionOf(to)) {
    return [
      `Yes: ${equationText(to)} follows from ${equationText(from)}, both sides still balance.${move ? ` That step ${move}.` : ""}`,
      "Keep going the same way: whatever you do to one side, do to the other.",
    ].join("\n\n");
  }
  const redo = move
    ? `To get from ${sideText(from.left)} to ${sideText(to.left)}, the step ${move}: do exactly that to ${sideText(from.right)} on the right too, and work it out again.`
    : "Whatever you do to one side, do exactly the same to the other: go through the step again, one side at a time.";
  return [
    `Not quite: ${equationText(to)} doesn't follow from ${equationText(from)}. The two sides no longer balance.`,
    redo,
  ].join("\n\n");
}
