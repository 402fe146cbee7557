import type { NotationAnswer } from "./notation";
import { typedPhrase } from "./typed-phrase";

/** One to three words, letters only ("3x" and "x" are notation.ts's), quotes around them allowed. */
const TERM =
  "[\"'\u2018\u201c]?(\\p{L}(?:[\\p{L}-]|'(?=\\p{L}))*(?: \\p{L}(?:[\\p{L}-]|'(?=\\p{L}))*){0,2}?)[\"'\u2019\u201d]?";
const LEAD = "^(?:so |and |ok |okay |sorry |um )?";
const ARTICLE = "(?:the word |the term |a |an |the )?";

/**
 * "What does coefficient mean?", "define expression", "meaning of the word constant": asking what
 * a word means, in so many words. Retrieval must look for that word alone: with the question's
 * "mean" it quotes any sentence holding "means", on a page that never uses the word asked about.
 */
const ASKS_MEANING = new RegExp(
  `${LEAD}(?:${[
    `what (?:does|do) ${ARTICLE}${TERM} (?:mean|stand for|represent)`,
    `what(?:'s|s| is) (?:the )?(?:meaning|definition) of ${ARTICLE}${TERM}`,
    `what (?:do you mean|is meant) by ${ARTICLE}${TERM}`,
    `(?:can you |could you |please )?(?:define ${ARTICLE}${TERM}|explain what ${ARTICLE}${TERM} (?:means?|is|are))`,
    `(?:the )?(?:meaning|definition) of ${ARTICLE}${TERM}`,
  ].join("|")})$`,
  "u",
);

/**
 * "What is a coefficient?", "what are like terms?": the same question when the word is one the
 * guide knows; otherwise "what is ..." is any question ("what is photosynthesis made of?") and
 * left to retrieval as asked.
 */
const WHAT_IS = new RegExp(`${LEAD}what(?:'s|s| is| are) (?:a |an |the )?${TERM}$`, "u");

/**
 * "What's the difference between an expression and an equation?", "how is a term different from a
 * coefficient?": two words' meanings side by side. Retrieval looks for the two words, not for
 * "difference", which the page may never say.
 */
const COMPARES = new RegExp(
  `${LEAD}(?:${[
    `what(?:'s|s| is) the difference between ${ARTICLE}${TERM} and ${ARTICLE}${TERM}`,
    `how (?:is|are|does|do) ${ARTICLE}${TERM} (?:different from|differ from|not the same as) ${ARTICLE}${TERM}`,
    `${ARTICLE}${TERM} (?:vs.?|versus) ${ARTICLE}${TERM}`,
  ].join("|")})$`,
  "u",
);

/** Words that make the question about something other than a word's meaning. */
const NOT_A_TERM = /\b(?:this|that|it|these|those|page|lesson|answer|step|next|first|point|question|exercise|wrong)\b/u;

/**
 * Meanings of the words a first algebra course uses, for a page that uses a word without saying
 * what it means. Each example is an expression or a step, never an equation's solution, which
 * could be an exercise's answer.
 */
const GLOSSARY: readonly [RegExp, string][] = [
  [
    /^coefficients?$/u,
    "A coefficient is the number written in front of a letter, which multiplies it: in 5y - 2, the coefficient of y is 5. Dividing both sides by the coefficient is the step that leaves the letter on its own.",
  ],
  [
    /^constants?(?: terms?)?$/u,
    "A constant is a number on its own, with no letter next to it: in 4x + 9, the constant is 9. Its value never changes, whatever x is.",
  ],
  [
    /^like terms?$/u,
    "Like terms have the same letter (to the same power), such as 3x and 5x, so they can be added into one: 3x + 5x = 8x. A plain number and an x term are not like terms.",
  ],
  [
    /^terms?$/u,
    "A term is one part of an expression, separated from the others by + or -: 4x + 9 has two terms, 4x and 9.",
  ],
  [
    /^(?:algebraic )?expressions?$/u,
    "An expression is numbers and letters joined by +, -, × or ÷, with no equals sign, such as 2x + 1. An equation says two expressions are equal.",
  ],
  [
    /^linear(?: equations?)?$/u,
    "A linear equation has its unknown only as itself or times a number (never squared or multiplied by itself), such as 4x - 3 = 9. Its graph is a straight line, hence the name.",
  ],
  [
    /^inverse(?: operations?)?$|^inverses$/u,
    "An inverse operation undoes another: subtracting undoes adding, dividing undoes multiplying. Solving an equation means undoing what was done to the unknown, one inverse operation at a time.",
  ],
  [
    /^isolat(?:e|ing|ed)(?: the variable| x)?$/u,
    "To isolate the unknown is to get it on its own on one side of the equals sign, so the other side shows its value.",
  ],
];

/**
 * For a question about one word: the word to look for on the page instead of the whole question,
 * and its meaning when it is one of a first algebra course's words.
 */
export function termQuestion(question: string): NotationAnswer | undefined {
  const typed = typedPhrase(question);
  const compared = COMPARES.exec(typed)
    ?.slice(1)
    .filter((group) => group !== undefined);
  if (compared?.length === 2 && !compared.some((word) => NOT_A_TERM.test(word))) return comparison(compared);
  const meaning = ASKS_MEANING.exec(typed);
  // The pattern's alternatives each capture the word; the one that matched holds it.
  const asked = meaning?.slice(1).find((group) => group !== undefined) ?? WHAT_IS.exec(typed)?.[1];
  if (!asked || NOT_A_TERM.test(asked)) return undefined;
  const text = glossOf(asked);
  if (!meaning && !text) return undefined;
  return { ...(text ? { text } : {}), pageSearch: asked, phrase: asked };
}

const glossOf = (word: string) => GLOSSARY.find(([pattern]) => pattern.test(word))?.[1];

/** Both words' meanings the guide knows, and both words to find the page's own with. */
function comparison(words: readonly string[]): NotationAnswer {
  const glosses = [...new Set(words.map(glossOf).filter((gloss) => gloss !== undefined))];
  return { ...(glosses.length > 0 ? { text: glosses.join(" ") } : {}), pageSearch: words.join(" ") };
}
