import { isStopWord, rankingTerms, wordsOf } from "./bm25";

/**
 * How much a sentence's score grows per word of the longest run of the question's words it holds
 * in the question's order: "x on both sides" found as written beats the many short sentences that
 * only share "both" and "sides" (BM25 favours short sentences). Words in the question's order are
 * the strongest sign a sentence is about what was asked, so a run of two already doubles.
 */
const PER_RUN_WORD = 1;

/**
 * Words as written, stop words left out so "x is on both sides" meets "x on both sides", single
 * letters kept: in "x on both sides" the unknown is part of the phrase.
 */
const phraseWords = (text: string) => wordsOf(text).filter((word) => !isStopWord(word));

/** The question's adjacent word pairs, looked up per sentence word (linear in the page). */
export function questionPairs(question: string): Set<string> {
  const words = phraseWords(question);
  const pairs = new Set<string>();
  for (let i = 1; i < words.length; i++) pairs.add(`${words[i - 1]} ${words[i]}`);
  return pairs;
}

/**
 * The factor for a sentence: 1 plus PER_RUN_WORD for each word past the first in its longest run
 * of adjacent words that are also adjacent in the question.
 */
export function phraseFactor(pairs: ReadonlySet<string>, sentence: string): number {
  if (pairs.size === 0) return 1;
  const words = phraseWords(sentence);
  let best = 0;
  let start = 0;
  for (let i = 1; i <= words.length; i++) {
    if (i < words.length && pairs.has(`${words[i - 1]} ${words[i]}`)) continue;
    const length = i - start;
    if (length > best) best = length;
    start = i;
  }
  return best > 1 ? 1 + PER_RUN_WORD * (best - 1) : 1;
}

/**
 * Whether `text` holds the phrase's words one after another, as ranking counts words (stems,
 * synonyms, no stop words): "like terms" is in "collect like terms", not in "works like ... terms".
 */
export function holdsPhrase(text: string, phrase: string): boolean {
  const want = rankingTerms(phrase);
  if (want.length === 0) return false;
  const have = rankingTerms(text);
  for (let i = 0; i + want.length <= have.length; i++) {
    if (want.every((term, j) => have[i + j] === term)) return true;
  }
  return false;
}
