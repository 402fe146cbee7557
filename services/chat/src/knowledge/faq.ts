import type { Citation } from "@atomic-guide/shared";
import { IdSchema } from "@atomic-guide/shared";
import { readKvJson } from "@atomic-guide/shared/kv-json";
import * as v from "valibot";
import { rankBm25, termCoverage } from "./bm25";
import { excerpt } from "./extract";

export const FaqEntrySchema = v.object({
  id: IdSchema,
  question: v.pipe(v.string(), v.minLength(1), v.maxLength(1000)),
  answer: v.pipe(v.string(), v.minLength(1), v.maxLength(8000)),
  /** Absent: applies to every course of the tenant. */
  courseId: v.optional(IdSchema),
});
export type FaqEntry = v.InferOutput<typeof FaqEntrySchema>;

const FaqListSchema = v.pipe(v.array(FaqEntrySchema), v.maxLength(2000));

/** KV KNOWLEDGE holds each tenant's FAQ as one JSON list under `faq:<tenantId>`. */
export const faqKey = (tenantId: string) => `faq:${tenantId}`;

/** The tenant's FAQ entries for a course (course-specific and tenant-wide); invalid data reads as none. */
export async function loadFaq(kv: KVNamespace, tenantId: string, courseId?: string): Promise<FaqEntry[]> {
  const entries = (await readKvJson(kv, faqKey(tenantId), FaqListSchema, 60)) ?? [];
  return entries.filter((e) => !e.courseId || e.courseId === courseId);
}

export interface FaqMatch {
  entry: FaqEntry;
  /** Share of the learner's terms the entry (question and answer) contains, 0..1. */
  coverage: number;
  /** Share of the entry's question terms the learner used, 0..1. */
  questionCoverage: number;
}

/** What BM25 ranks an entry by: the question counts twice, as in D1's bm25(faq_fts, 2.0, 1.0). */
const searchText = (e: FaqEntry) => `${e.question} ${e.question} ${e.answer}`;

/** The entries sharing a term with the question, best first, at most `limit`. */
export const rankFaq = (question: string, entries: readonly FaqEntry[], limit: number): FaqEntry[] =>
  rankBm25(question, entries, searchText, true)
    .slice(0, limit)
    .map(({ item }) => item);

/** Below this share of the question's terms, a FAQ entry is not quoted as an answer. */
export const MIN_FAQ_COVERAGE = 0.34;

export const faqCitation = (entry: FaqEntry): Citation => ({
  source: "faq",
  id: entry.id,
  excerpt: excerpt(entry.answer),
});

/** The best entry for `question` when it covers enough of it to be quoted as the answer. */
export function answeringFaqEntry(question: string, faq: readonly FaqEntry[]): FaqEntry | undefined {
  const hit = matchFaq(question, faq, 1)[0];
  return hit && hit.coverage >= MIN_FAQ_COVERAGE ? hit.entry : undefined;
}

/** The entry that answers `probe` well enough, as a note under an answer built from the page. */
export function courseFaqNote(
  probe: string,
  faq: readonly FaqEntry[],
): { text: string; citation: Citation } | undefined {
  const entry = answeringFaqEntry(probe, faq);
  return entry && { text: `From your course FAQ: ${entry.answer}`, citation: faqCitation(entry) };
}

/** Best FAQ entries for a question, best first; BM25 ranks, question coverage judges strength. */
export function matchFaq(question: string, entries: readonly FaqEntry[], limit = 3): FaqMatch[] {
  return rankFaq(question, entries, limit).map((entry) => ({
    entry,
    coverage: termCoverage(question, `${entry.question} ${entry.answer}`),
    questionCoverage: termCoverage(entry.question, question),
  }));
}

/**
 * Good enough to answer on its own, before any model is asked: the learner asked everything
 * the FAQ question asks (nearly), and not mostly something else.
 */
export const isStrongFaqMatch = (m: FaqMatch | undefined): m is FaqMatch =>
  m !== undefined && m.questionCoverage >= 0.75 && m.coverage >= 0.5;
