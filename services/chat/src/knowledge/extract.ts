import type { Citation } from "@atomic-guide/shared";
import { rankBm25, termCoverage, tokenize } from "./bm25";
import { type PageBlock, sentencesOf } from "./page-blocks";
import { holdsPhrase, phraseFactor, questionPairs } from "./phrase";

/** Sentences that say what something is: what a later part builds on. */
export const DEFINITION_SENTENCE = /\b(?:is|are|means|mean|called|defined as|refers to)\b/i;

/** A block id for citations when the page sent no markers. */
export const WHOLE_PAGE_ID = "page";

/** A quoted passage: consecutive sentences of one block. */
export interface Passage {
  blockId: string;
  text: string;
  /** Position in the page, to quote passages in reading order. */
  order: number;
}

interface Sentence {
  blockId: string;
  blockIndex: number;
  index: number;
  text: string;
}

const MAX_PASSAGES = 3;
/** A sentence must hold at least this share of the question's terms to be quoted (a quarter: questions carry filler words). */
const MIN_COVERAGE = 0.25;
/** Sentences scoring under this share of the best one are not worth quoting beside it. */
const RELATIVE_FLOOR = 0.5;
const EXCERPT_CHARS = 280;

/** A sentence's place in the page, to quote passages in reading order. */
const orderOf = (s: Sentence) => s.blockIndex * 10_000 + s.index;

const sentencesOfBlocks = (blocks: readonly PageBlock[]): Sentence[] =>
  blocks.flatMap((block, blockIndex) =>
    sentencesOf(block.text).map((text, index) => ({ blockId: block.id ?? WHOLE_PAGE_ID, blockIndex, index, text })),
  );

/**
 * Whether a line reads as a sentence rather than a heading, a form label or a button's text,
 * which a passage does not take along as the sentence after its best one.
 */
const endsLikeSentence = (text: string) => /[.!?:…]["'”’)\]]*$/u.test(text);

/**
 * Whether a line can be quoted on its own: a sentence, or a statement of a few words such as an
 * exercise ("Solve for x: 3x + 7 = 22"). A lone heading or button ("Check") is short and, since
 * BM25 favours short lines, would otherwise outrank the sentences that explain its word.
 */
const MIN_STATEMENT_WORDS = 4;
const quotable = (text: string) => endsLikeSentence(text) || text.split(/\s+/).length >= MIN_STATEMENT_WORDS;

/**
 * The page's sentences that answer the question best, each with the sentence after it in the same
 * block (an exercise's statement is usually followed by its first step), in reading order.
 * Empty when no sentence holds enough of the question's words.
 */
export function bestPassages(question: string, blocks: readonly PageBlock[], max = MAX_PASSAGES): Passage[] {
  if (tokenize(question).length === 0) return [];
  const sentences = sentencesOfBlocks(blocks);
  const pairs = questionPairs(question);
  const ranked = rankBm25(question, sentences, (s) => s.text)
    .filter((r) => quotable(r.item.text) && termCoverage(question, r.item.text) >= MIN_COVERAGE)
    .map((r) => ({ ...r, score: r.score * phraseFactor(pairs, r.item.text) }))
    .sort((a, b) => b.score - a.score);
  const top = ranked[0]?.score ?? 0;
  const picked = ranked.filter((r) => r.score >= top * RELATIVE_FLOOR).slice(0, max);
  const byKey = new Map(sentences.map((s) => [`${s.blockIndex}:${s.index}`, s]));
  const passages = new Map<string, Passage>();
  for (const { item } of picked) {
    const key = `${item.blockIndex}:${item.index}`;
    if (passages.has(key)) continue;
    const next = byKey.get(`${item.blockIndex}:${item.index + 1}`);
    const nextKey = `${item.blockIndex}:${item.index + 1}`;
    const withNext =
      next && endsLikeSentence(next.text) && !picked.some((p) => `${p.item.blockIndex}:${p.item.index}` === nextKey);
    passages.set(key, {
      blockId: item.blockId,
      text: withNext ? `${item.text} ${next.text}` : item.text,
      order: orderOf(item),
    });
  }
  return [...passages.values()].sort((a, b) => a.order - b.order);
}

/**
 * The page's sentences on `question` that `said` (the answers already given) did not quote, best
 * first by the question and what those answers quoted (`context`): what to say again, in the
 * page's other words, to a learner who did not follow it. Each holds as much of the question's
 * terms as a quoted passage must.
 */
export function unquotedPassages(
  question: string,
  context: string,
  blocks: readonly PageBlock[],
  said: string,
  max = MAX_PASSAGES,
): Passage[] {
  const fresh = sentencesOfBlocks(blocks).filter(
    (s) => quotable(s.text) && !said.includes(s.text) && termCoverage(question, s.text) >= MIN_COVERAGE,
  );
  const ranked = rankBm25(`${question} ${context}`, fresh, (s) => s.text).filter((r) => r.score > 0);
  const top = ranked[0]?.score ?? 0;
  return ranked
    .filter((r) => r.score >= top * RELATIVE_FLOOR)
    .slice(0, max)
    .map(({ item }) => ({ blockId: item.blockId, text: item.text, order: orderOf(item) }));
}

/** The sentences of a text that carry most of its terms: its own summary, in reading order. */
export function centralSentences(text: string, count: number): string[] {
  const sentences = sentencesOf(text);
  if (sentences.length <= count) return sentences;
  const picked = new Set(
    rankBm25(text, sentences, (s) => s)
      .slice(0, count)
      .map((r) => r.item),
  );
  return sentences.filter((s) => picked.has(s));
}

/** The best passages for `search`, only those holding `phrase` when one is given (a word asked about). */
export const passagesFor = (search: string, blocks: readonly PageBlock[], phrase?: string, max = MAX_PASSAGES) =>
  bestPassages(search, blocks, max).filter((p) => phrase === undefined || holdsPhrase(p.text, phrase));

/**
 * The page's headings, in reading order: each block's first line when it reads as a heading
 * (a few words, not a sentence). What an offline "not found" can point the learner to.
 */
export function pageTopics(blocks: readonly PageBlock[], max = 5): string[] {
  const topics: string[] = [];
  for (const block of blocks) {
    const first = headingOf(block.text);
    if (first && !topics.includes(first)) topics.push(first);
    if (topics.length === max) break;
  }
  return topics;
}

/** A block's first line when it reads as its heading: a few words, not a sentence. */
export function headingOf(text: string): string | undefined {
  const first = text.split("\n", 1)[0]?.trim() ?? "";
  return first && first.split(/\s+/).length <= 8 && !endsLikeSentence(first) ? first : undefined;
}

/** A block's text after its heading, if it has one: what it says rather than what it is called. */
export function withoutHeading(text: string): string {
  const heading = headingOf(text);
  const body = heading ? text.slice(text.indexOf("\n") + 1).trim() : text;
  return body || text;
}

/** The leading sentences of a text: a block's own summary, for help with no question. */
export function leadSentences(text: string, count: number): string {
  return sentencesOf(text).slice(0, count).join(" ");
}

export const excerpt = (text: string) =>
  text.length > EXCERPT_CHARS ? `${text.slice(0, EXCERPT_CHARS - 1).trimEnd()}…` : text;

/** A passage as an offline answer shows it: a Markdown quote on one line. */
export const quote = (text: string) => `> ${text.replace(/\n+/g, " ")}`;

/** The passages matching `pattern` first, each group in its own order. */
export const preferring = (passages: readonly Passage[], pattern: RegExp): Passage[] => [
  ...passages.filter((p) => pattern.test(p.text)),
  ...passages.filter((p) => !pattern.test(p.text)),
];

export const pageCitation = (blockId: string, text: string): Citation => ({
  source: "page",
  id: blockId,
  excerpt: excerpt(text),
});

/** One citation per cited block or entry, first mention kept. */
export function uniqueCitations(citations: readonly Citation[]): Citation[] {
  const seen = new Set<string>();
  return citations.filter((c) => {
    const key = `${c.source}:${c.id}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
