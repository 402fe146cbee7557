import { equationText, type LinearEquation, leftSide } from "./linear-equation";
import { typedPhrase } from "./typed-phrase";

/** A number as learners name one in their exercise: "the minus 3", "-3", "the 7". */
const NUMBER = "(?:the )?(minus |negative |plus |-|\u2212|\\+)?(\\d+)(?:'s)?";
/**
 * "What do I do with the minus 3?", "how do I get rid of the 7?", "why do we add 3 and not subtract
 * it?": a question about one number of the exercise being worked on, whose words ("minus", "do")
 * find only the page's sentences about other exercises.
 */
const ASKS = new RegExp(
  `^(?:so |ok |okay |and |but |then )?(?:${[
    `what (?:do|should|can) i do (?:with|about) ${NUMBER}`,
    `how do i (?:get rid of|remove|move|deal with|undo) ${NUMBER}`,
    `where does ${NUMBER} go`,
    `why (?:do|did|would|should) (?:we|i|you) (?:add|subtract|take away|take|divide by|multiply by|move) ${NUMBER}(?: .*)?`,
  ].join("|")})$`,
  "u",
);

/** "What do I do with the minus in front of x?", "what about the negative sign?": a factor's sign. */
const ASKS_SIGN =
  /^(?:so |ok |okay |and |but |then )?(?:what (?:do|should|can) i do (?:with|about)|what about|how do i (?:get rid of|deal with|remove)) (?:the |that )?(?:minus|negative)(?: sign)?(?: (?:in front of|before|next to) (?:the )?\p{L})?$|^what if (?:the )?\p{L} has a (?:minus|negative)(?: sign)? (?:in front(?: of it)?|before it)$/u;

/** Whether the question is about one number (or the minus sign) of an exercise, whatever the exercise. */
export function asksAboutANumber(question: string): boolean {
  const text = typedPhrase(question);
  return ASKS_SIGN.test(text) || ASKS.test(text);
}

/**
 * What to do with that number in `e`, said as the move that undoes it and why, never the result
 * of the move (safe on a graded item). Undefined when the question is not about one of its numbers.
 */
export function numberQuestion(question: string, e: LinearEquation): string | undefined {
  const text = typedPhrase(question);
  if (ASKS_SIGN.test(text)) return e.a < 0 ? minusInFront(e) : undefined;
  const groups = ASKS.exec(text)?.slice(1);
  if (!groups) return undefined;
  const at = groups.findIndex((g, i) => i % 2 === 1 && g !== undefined);
  const sign = groups[at - 1]?.trim();
  const n = Number(groups[at]);
  const negative = sign === "minus" || sign === "negative" || sign === "-" || sign === "\u2212";
  // "The plus 3" is not the 3 taken away, nor "the minus 3" the 3 added.
  const signFits = (value: number) => sign === undefined || negative === value < 0;
  const x = e.variable;
  const withX = leftSide({ ...e, b: 0 });
  const written = equationText(e);
  if (e.b !== 0 && n === Math.abs(e.b) && signFits(e.b)) {
    const then = e.a !== 1 ? ` Then divide both sides by ${e.a} to get ${x} on its own.` : "";
    return e.b < 0
      ? `In ${written}, ${n} is taken away from ${withX}. To undo taking away, add ${n} to both sides: on the left, − ${n} + ${n} makes 0, so ${withX} is left on its own, and adding the same to both sides keeps the balance level.${then}`
      : `In ${written}, ${n} is added to ${withX}. To undo adding, subtract ${n} from both sides: on the left, + ${n} − ${n} makes 0, so ${withX} is left on its own, and taking the same from both sides keeps the balance level.${then}`;
  }
  if (Math.abs(e.a) !== 1 && n === Math.abs(e.a)) {
    const first =
      e.b !== 0
        ? `, once the ${Math.abs(e.b)} is dealt with (divide first and you would have to divide the ${Math.abs(e.b)} too)`
        : "";
    return `In ${written}, ${withX} means ${e.a} × ${x}: ${x} is multiplied by ${e.a}. To undo multiplying, divide both sides by ${e.a}${first}.`;
  }
  if (n === Math.abs(e.c) && signFits(e.c)) {
    return `${e.c} is the right side of ${written}: what ${leftSide(e)} must come to. It stays where it is; whatever you do to the left side, do to it too.`;
  }
  return undefined;
}

/** A negative factor: divided by with its sign, which is what turns the unknown positive. */
function minusInFront(e: LinearEquation): string {
  const x = e.variable;
  const then = e.b !== 0 ? `, once the ${Math.abs(e.b)} is dealt with` : "";
  return `In ${equationText(e)}, the minus belongs to the number in front of ${x}: ${leftSide({ ...e, b: 0 })} means ${e.a} × ${x}. Divide both sides by ${e.a}, minus sign included${then}: dividing by a negative number turns the sign of everything on both sides, so ${x} comes out on its own with no minus in front.`;
}
