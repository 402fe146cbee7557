import type { Citation } from "@atomic-guide/shared";
import { rankBm25, termCoverage } from "./bm25";
import { pageCitation, uniqueCitations, WHOLE_PAGE_ID } from "./extract";
import { type FaqMatch, faqCitation } from "./faq";
import type { PageBlock } from "./page-blocks";

const MAX_PAGE_CITATIONS = 2;
/** A source must hold this share of the answer's or the question's terms to be cited for it. */
const MIN_COVERAGE = 0.2;

/**
 * Citations for a model's answer: the page blocks and FAQ entries the model was given that the
 * question and the answer draw on, best first. Computed here rather than trusted from the model,
 * so a citation always names a block the page really has.
 */
export function citeSources(
  question: string,
  answer: string,
  blocks: readonly PageBlock[],
  faq: readonly FaqMatch[],
): Citation[] {
  const probe = `${question} ${answer}`;
  const pages = rankBm25(probe, blocks, (b) => b.text)
    .filter(
      ({ item }) =>
        termCoverage(question, item.text) >= MIN_COVERAGE || termCoverage(answer, item.text) >= MIN_COVERAGE,
    )
    .slice(0, MAX_PAGE_CITATIONS)
    .map(({ item }) => pageCitation(item.id ?? WHOLE_PAGE_ID, item.text));
  const faqs = faq
    .filter((m) => termCoverage(answer, `${m.entry.question} ${m.entry.answer}`) >= MIN_COVERAGE)
    .map((m) => faqCitation(m.entry));
  return uniqueCitations([...faqs, ...pages]);
}
