import { equationsToSolve, equationText, isOp, numberText, type Side, sideText, solutionOf } from "./equation";
import { linearSide } from "./linear-equation";

/** Words a learner asks about a step with: "is it the same", "so", "then I get", an arrow. */
const ASKS_ABOUT_A_STEP =
  /\b(?:same|right|correct|ok(?:ay)?|follows?|equivalent|then|so|get|got|gives?|becomes?|turns? into)\b|→|=>|->/iu;

type Linear = Pick<Side, "a" | "b">;

const hasBrackets = (side: Side) => side.tokens.some((t) => isOp(t, "("));

/** "divides both sides by 2" or "multiplies both sides by 2", when one side is a whole multiple of the other. */
function scaling(from: Linear, to: Linear): string | undefined {
  const k = to.a !== 0 ? from.a / to.a : to.b !== 0 ? from.b / to.b : undefined;
  if (k === undefined || k === 1 || k === 0 || from.a !== k * to.a || from.b !== k * to.b) return undefined;
  if (Number.isInteger(k)) return `divides both sides by ${numberText(k)}`;
  return Number.isInteger(1 / k) ? `multiplies both sides by ${numberText(1 / k)}` : undefined;
}

/**
 * The balance-method move that takes one side to the other, in the words of "That step …":
 * "adds 3 to both sides", "takes 3x away from both sides", "divides both sides by 2", "opens the
 * brackets". Undefined when the side did not change at all.
 */
function moveOf(from: Side, to: Side, x: string): string | undefined {
  const difference = { a: from.a - to.a, b: from.b - to.b };
  if (difference.a === 0 && difference.b === 0) {
    return hasBrackets(from) && !hasBrackets(to) ? "opens the brackets" : undefined;
  }
  const scaled = scaling(from, to);
  if (scaled) return scaled;
  const takenAway = difference.a > 0 || (difference.a === 0 && difference.b > 0);
  return takenAway
    ? `takes ${sideText(linearSide(difference, x))} away from both sides`
    : `adds ${sideText(linearSide({ a: -difference.a, b: -difference.b }, x))} to both sides`;
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
  const [from, to] = equationsToSolve(text);
  if (!from || !to || from.variable !== to.variable) return undefined;
  const x = from.variable;
  const leftMove = moveOf(from.left, to.left, x);
  const rightMove = moveOf(from.right, to.right, x);
  // A move is named only when both sides made it (opening brackets changes one side's writing only).
  const move =
    leftMove === rightMove || rightMove === undefined ? leftMove : leftMove === undefined ? rightMove : undefined;
  if (solutionOf(from) === solutionOf(to)) {
    return [
      `Yes: ${equationText(to)} follows from ${equationText(from)}, both sides still balance.${move ? ` That step ${move}.` : ""}`,
      "Keep going the same way: whatever you do to one side, do to the other.",
    ].join("\n\n");
  }
  const redo =
    hasBrackets(from.left) && !hasBrackets(to.left)
      ? `When you open the brackets, multiply every term inside them by the number in front: work out ${sideText(from.left)} again.`
      : leftMove
        ? `To get from ${sideText(from.left)} to ${sideText(to.left)}, the step ${leftMove}: do exactly that to ${sideText(from.right)} on the right too, and work it out again.`
        : "Whatever you do to one side, do exactly the same to the other: go through the step again, one side at a time.";
  return [
    `Not quite: ${equationText(to)} doesn't follow from ${equationText(from)}. The two sides no longer balance.`,
    redo,
  ].join("\n\n");
}
