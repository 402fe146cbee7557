import { chunkText, rankBm25 } from "../knowledge/bm25";
import { type FaqEntry, matchFaq } from "../knowledge/faq";
import type { ChatProvider, ModelRequest } from "./types";

/** Below this share of the question's terms, a FAQ entry is not offered as the answer. */
const MIN_FAQ_COVERAGE = 0.34;
const PAGE_PASSAGES = 2;

export const OFFLINE_FAQ_LABEL = "Offline answer from your course FAQ:";
export const OFFLINE_PAGE_LABEL = "Offline answer from this page (no AI model was used):";
export const OFFLINE_NONE =
  "I'm working offline right now and couldn't find this in your course FAQ or on this page. " +
  "Try rephrasing with words from the page, or ask your instructor.";

/** Pure retrieval over the tenant's FAQ and the page: works with no account and no network. */
export function composeOfflineAnswer(request: ModelRequest, faq: readonly FaqEntry[]): string {
  const best = matchFaq(request.question, faq, 1)[0];
  if (best && best.coverage >= MIN_FAQ_COVERAGE) {
    return `${OFFLINE_FAQ_LABEL}\n\n${best.entry.answer}`;
  }
  if (request.pageContent) {
    const passages = rankBm25(request.question, chunkText(request.pageContent), (c) => c)
      .slice(0, PAGE_PASSAGES)
      .map((p) => `> ${p.item}`);
    if (passages.length > 0) return `${OFFLINE_PAGE_LABEL}\n\n${passages.join("\n\n")}`;
  }
  return OFFLINE_NONE;
}

export function offlineProvider(faq: readonly FaqEntry[]): ChatProvider {
  return {
    name: "offline",
    async stream(request, onToken) {
      const text = composeOfflineAnswer(request, faq);
      // Word-sized pieces, so clients render the offline answer through the same streaming path.
      for (const piece of text.match(/\S+\s*/g) ?? [text]) onToken(piece);
      // Retrieval costs no model tokens, so it never draws on the budgets.
      return { text, usage: { inputTokens: 0, outputTokens: 0 } };
    },
  };
}
