import { SYNONYM_GROUPS } from "./synonyms";

/** Okapi BM25 over a handful of short documents: small enough to index per request. */
const K1 = 1.2;
const B = 0.75;

const STOP_WORDS = new Set(
  "a about am an and are as at be been but by can could do does for from had has have how i if in into is it its me my of on or should so than that the then there they think this to was we were what when where which who why will with would you your".split(
    " ",
  ),
);

export const isStopWord = (word: string) => STOP_WORDS.has(word);

/** The text's words as written, lower-cased: letters and digits, nothing dropped. */
export const wordsOf = (text: string): string[] =>
  text
    .toLowerCase()
    .normalize("NFKD")
    .match(/[\p{L}\p{N}]+/gu) ?? [];

export function tokenize(text: string): string[] {
  return wordsOf(text)
    .filter((t) => t.length > 1 && !STOP_WORDS.has(t))
    .map(stem);
}

/**
 * A light suffix strip so "derivatives" meets "derivative", "produces" meets "produce" and
 * "solving" meets "solve": a final "e" goes too, since "es" and "ing" take it away.
 */
function stem(token: string): string {
  if (token.length > 5 && token.endsWith("ing")) return token.slice(0, -3);
  if (token.length > 4 && token.endsWith("es")) return token.slice(0, -2);
  if (token.length > 3 && token.endsWith("s")) return token.slice(0, -1);
  if (token.length > 3 && token.endsWith("e")) return token.slice(0, -1);
  return token;
}

/** Each synonym's stem to its group's term (see synonyms.ts). */
const GROUP_TERM = new Map(
  SYNONYM_GROUPS.flatMap((group) => group.map((word) => [stem(word), stem(group[0]!)] as const)),
);

/**
 * The terms a text is ranked by: its tokens, synonyms counted as one. Not for the FAQ's FTS
 * query, which must name the words as the entries hold them (`tokenize`).
 */
export const rankingTerms = (text: string): string[] => tokenize(text).map((t) => GROUP_TERM.get(t) ?? t);

export interface Scored<T> {
  item: T;
  score: number;
}

interface TermCounts {
  text: string;
  tf: Map<string, number>;
  length: number;
}

function termCounts(text: string): TermCounts {
  const terms = rankingTerms(text);
  const tf = new Map<string, number>();
  for (const t of terms) tf.set(t, (tf.get(t) ?? 0) + 1);
  return { text, tf, length: terms.length };
}

/**
 * Term counts of documents that are objects (FAQ entries, kept per isolate by the FAQ cache), so
 * a turn tokenizes the course's entries once, not on every question. Held only while the object
 * lives, and only for the text it was counted from.
 */
const countsOf = new WeakMap<object, TermCounts>();

function countsFor<T>(item: T, text: string, keep: boolean): TermCounts {
  if (!keep || typeof item !== "object" || item === null) return termCounts(text);
  const known = countsOf.get(item);
  if (known && known.text === text) return known;
  const counted = termCounts(text);
  countsOf.set(item, counted);
  return counted;
}

/**
 * Ranks documents for a query, best first, dropping those that share no term with it.
 * `keepCounts`: the items are long-lived objects whose term counts are worth keeping.
 */
export function rankBm25<T>(
  query: string,
  items: readonly T[],
  textOf: (item: T) => string,
  keepCounts = false,
): Scored<T>[] {
  const queryTerms = [...new Set(rankingTerms(query))];
  if (queryTerms.length === 0 || items.length === 0) return [];
  const docs = items.map((item) => ({ item, ...countsFor(item, textOf(item), keepCounts) }));
  const avgLength = docs.reduce((n, d) => n + d.length, 0) / docs.length || 1;
  const df = new Map<string, number>();
  for (const term of queryTerms) df.set(term, docs.filter((d) => d.tf.has(term)).length);
  const scored: Scored<T>[] = [];
  for (const doc of docs) {
    let score = 0;
    for (const term of queryTerms) {
      const f = doc.tf.get(term) ?? 0;
      if (f === 0) continue;
      const n = df.get(term) ?? 0;
      const idf = Math.log(1 + (docs.length - n + 0.5) / (n + 0.5));
      score += (idf * (f * (K1 + 1))) / (f + K1 * (1 - B + (B * doc.length) / avgLength));
    }
    if (score > 0) scored.push({ item: doc.item, score });
  }
  return scored.sort((a, b) => b.score - a.score);
}

/** Fraction of the query's distinct terms a text contains: a scale-free "how well it matches". */
export function termCoverage(query: string, text: string): number {
  const queryTerms = new Set(rankingTerms(query));
  if (queryTerms.size === 0) return 0;
  const textTerms = new Set(rankingTerms(text));
  let hit = 0;
  for (const t of queryTerms) if (textTerms.has(t)) hit++;
  return hit / queryTerms.size;
}

/** Splits page text into passages of about `size` characters on paragraph and sentence ends. */
export function chunkText(text: string, size = 600): string[] {
  const sentences = text
    .replace(/\r/g, "")
    .split(/(?<=[.!?])\s+|\n{2,}/)
    .map((s) => s.trim())
    .filter(Boolean);
  const chunks: string[] = [];
  let current = "";
  for (const sentence of sentences) {
    if (current && current.length + sentence.length + 1 > size) {
      chunks.push(current);
      current = "";
    }
    current = current ? `${current} ${sentence}` : sentence.slice(0, size * 2);
  }
  if (current) chunks.push(current);
  return chunks;
}
