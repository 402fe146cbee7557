import { typedPhrase } from "./typed-phrase";

/**
 * What algebra's shorthand means, for the questions a learner new to it asks about a symbol
 * rather than about the page: "what's 3x?", "what does x stand for?". The page rarely says it in
 * words the question shares, so retrieval alone finds nothing or the wrong sentences.
 */
export interface NotationAnswer {
  /** What the guide says itself; none when the page's own words are the whole answer. */
  text?: string;
  /** Words to find the page's own explanation with, in place of the question's. */
  pageSearch: string;
  /** Words a quoted passage must hold, one after another (the word asked about). */
  phrase?: string;
}

const WHAT = "^(?:so )?(?:what(?:'s| is| does)|what do(?:es)? (?:it|that) mean(?: by| when it says)?)";
/** "what's 3x", "what does 3x mean", "what is 2y". */
const COEFFICIENT = new RegExp(`${WHAT} (?:the )?(\\d+) ?(\\p{L})(?: mean)?$`, "u");
/**
 * "what does x stand for", "what is x", "what does the x mean": for the letters exercises use for
 * the unknown (in "ax + b = c", a, b and c stand for numbers the page gives).
 */
const LETTER = new RegExp(`${WHAT} (?:the )?([xyznt])(?: (?:stand for|mean|represent))?$`, "u");

export function notationAnswer(question: string): NotationAnswer | undefined {
  const text = typedPhrase(question);
  const coefficient = COEFFICIENT.exec(text);
  if (coefficient) {
    const [, n = "", x = ""] = coefficient;
    const count = Number(n);
    // Shown as repeated addition rather than with a value for x, which could be an exercise's answer.
    const sum = count >= 2 && count <= 4 ? ` (${Array.from({ length: count }, () => x).join(" + ")})` : "";
    return {
      text: `${n}${x} means ${n} × ${x}: ${n} lots of ${x}${sum}. A number written just before a letter multiplies it, and dividing both sides by ${n} undoes it.`,
      pageSearch: `${x} multiplied by ${n} then divide both sides`,
    };
  }
  const letter = LETTER.exec(text);
  if (letter) {
    const [, x = ""] = letter;
    return {
      text: `${x} stands for the unknown: a number you don't know yet. Solving the equation means finding the number that makes both sides equal when you put it in place of ${x}.`,
      pageSearch: "unknown variable value",
    };
  }
  return undefined;
}
