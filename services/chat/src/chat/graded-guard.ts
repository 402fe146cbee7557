import { asciiMinus, exerciseOf, numberText, solutionOf } from "./equation";
import { solvingHelp } from "./solving-help";

/** Phrases that hand over a result whatever the item is. */
const ANSWER_PHRASES = [
  /\b(?:the\s+)?(?:final|correct|right)\s+(?:answer|option|choice|solution)\s*(?:is|:|=)/i,
  /\b(?:the\s+)?answer\s*(?:is|:|=)\s*\S/i,
  /\b(?:the\s+)?solution\s+is\s*\S/i,
  /\b(?:option|choice|answer)\s*\(?[A-E]\)?\s+is\s+(?:correct|right)\b/i,
];

/**
 * Whether a model's output gives away the answer to the graded item in focus. A linear equation
 * (chat/equation.ts) is checked for its own solution (so a worked example of a similar
 * problem with another result passes); any item is checked for phrases that state an answer.
 */
export function leaksAnswer(modelOutput: string, itemText: string): boolean {
  // "x = −2" from a model that typesets its minus states the same answer as "x = -2".
  const output = asciiMinus(modelOutput);
  if (ANSWER_PHRASES.some((p) => p.test(output))) return true;
  // Any arrangement: "2(x + 3) = 14" and "5x + 2 = 3x + 10" are graded items too.
  const equation = exerciseOf(itemText);
  if (!equation) return false;
  const value = numberText(solutionOf(equation)).replace("-", "-\\s*");
  const states = new RegExp(`(?<![\\w.])${equation.variable}\\s*=\\s*${value}(?!\\d|\\.\\d)`, "i");
  const isValue = new RegExp(`\\bis\\s+${value}(?!\\d|\\.\\d)`, "i");
  return states.test(output) || isValue.test(output);
}

export const GRADED_NOTICE = "This item counts toward your grade, so I won't give you the answer, but here is a hint.";

/** What the learner gets instead of a leaking answer: a hint and, where possible, a similar worked example. */
export function gradedHint(itemText: string): string {
  const solving = solvingHelp(itemText);
  if (solving) return [GRADED_NOTICE, solving.method, solving.example].join("\n\n");
  return [
    GRADED_NOTICE,
    "Reread the part of the page this item is about, note what it asks for, and work it out one step at a time. Check your result against the definitions or rules on the page before you submit.",
  ].join("\n\n");
}

/** The output a learner may see on a graded item: unchanged, or the hint when it leaks the answer. */
export function guardGradedOutput(output: string, itemText: string): { text: string; replaced: boolean } {
  return leaksAnswer(output, itemText)
    ? { text: gradedHint(itemText), replaced: true }
    : { text: output, replaced: false };
}
