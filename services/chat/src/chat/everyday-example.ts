import { equationText, type LinearEquation, leftSide, similarProblem } from "./linear-equation";
import { typedPhrase } from "./typed-phrase";

/** "What's a real life example?", "an everyday example of this": an example from outside the page. */
const EVERYDAY = /\b(?:real[- ](?:life|world)|everyday)\b/u;

export const asksForEverydayExample = (message: string) => EVERYDAY.test(typedPhrase(message));

/**
 * A story an equation of the learner's kind describes, with the numbers of a similar problem
 * (never the exercise's, so its answer is no exercise's), solved: what "3x + 7 = 22" is for, told
 * as a taxi fare or tickets bought with a voucher. Undefined for a shape no story here fits (a
 * negative factor, or none to divide by).
 */
export function everydayExample(original: LinearEquation): string | undefined {
  const { e, answer } = similarProblem(original, 1);
  const { a, b, c, variable: v } = e;
  if (a < 2) return undefined;
  const story =
    b > 0
      ? `A taxi charges ${b} to start and ${a} for each kilometre. A ride cost ${c} in all: how many kilometres was it? Call the kilometres ${v}: the fare is ${leftSide(e)}, so ${equationText(e)}.`
      : b < 0
        ? `Tickets cost ${a} each, and a voucher takes ${-b} off the bill. You paid ${c}: how many tickets did you buy? Call the tickets ${v}: the bill is ${leftSide(e)}, so ${equationText(e)}.`
        : `Tickets cost ${a} each and you paid ${c}: how many did you buy? Call the tickets ${v}: ${equationText(e)}.`;
  const steps = [
    ...(b > 0 ? [`Take away the ${b} to start: ${a}${v} = ${c - b}.`] : []),
    ...(b < 0 ? [`Put back the ${-b} the voucher took off: ${a}${v} = ${c - b}.`] : []),
    `Divide by the ${a} each: ${v} = ${answer}.`,
    `Check: ${leftSide(e, String(answer))} = ${c}. ✓`,
  ];
  return [
    `An everyday example: ${story}`,
    steps.map((step, i) => `${i + 1}. ${step}`).join("\n"),
    "Your exercise is the same kind of sum with its own numbers: undo the adding or taking away first, then the multiplying.",
  ].join("\n\n");
}
