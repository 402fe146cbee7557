import type { Citation } from "@atomic-guide/shared";
import {
  bestPassages,
  centralSentences,
  DEFINITION_SENTENCE,
  pageCitation,
  preferring,
  quote,
  WHOLE_PAGE_ID,
  withoutHeading,
} from "../knowledge/extract";
import { courseFaqNote, type FaqEntry } from "../knowledge/faq";
import type { PageBlock } from "../knowledge/page-blocks";
import type { ChatProvider } from "../providers/types";
import { exerciseLine } from "./answer-check";
import { inverseOperationsReview, linearExercise } from "./linear-equation";
import type { HelpKind } from "./schemas";
import { solvingHelp } from "./solving-help";

export interface HelpSubject {
  kind: HelpKind;
  blocks: PageBlock[];
  /** The block the intervention is about; absent when the page did not send it. */
  focus: PageBlock | undefined;
  pageTitle?: string | undefined;
}

const cite = (block: PageBlock, text: string) => pageCitation(block.id ?? WHOLE_PAGE_ID, text);

function hint(subject: HelpSubject, faq: readonly FaqEntry[]): { text: string; citations: Citation[] } {
  const focus = subject.focus;
  // The exercise the block sets; a block of prose with an equation in passing gets the page's help.
  const line = focus ? exerciseLine(focus.text) : undefined;
  const solving = line ? solvingHelp(line) : undefined;
  if (focus && line && solving) {
    return {
      text: [solving.hint, solving.example].join("\n\n"),
      citations: [cite(focus, line)],
    };
  }
  const probe = focus?.text ?? subject.pageTitle ?? "";
  const others = subject.blocks.filter((b) => b !== focus);
  const passages = bestPassages(probe, others, 2);
  const parts = ["Hint: the page explains what you need nearby."];
  const citations: Citation[] = [];
  if (passages.length > 0) {
    parts.push(...passages.map((p) => quote(p.text)));
    citations.push(...passages.map((p) => pageCitation(p.blockId, p.text)));
  } else if (focus) {
    // Nothing elsewhere on the page explains it: its own key sentences, never just its heading.
    const key = centralSentences(withoutHeading(focus.text), 2);
    parts[0] =
      "Hint: this part comes down to these sentences. Read them slowly and say in your own words what they mean:";
    parts.push(...key.map(quote));
    citations.push(cite(focus, key.join(" ")));
  }
  const note = courseFaqNote(probe, faq);
  if (note) {
    parts.push(note.text);
    citations.push(note.citation);
  }
  return { text: parts.join("\n\n"), citations };
}

function summary(subject: HelpSubject): { text: string; citations: Citation[] } {
  const focus = subject.focus ?? subject.blocks[0];
  if (!focus) return { text: "There is no page content to summarise here.", citations: [] };
  const sentences = centralSentences(withoutHeading(focus.text), 3);
  return { text: ["In short:", ...sentences.map(quote)].join("\n\n"), citations: [cite(focus, sentences.join(" "))] };
}

function prerequisite(subject: HelpSubject, faq: readonly FaqEntry[]): { text: string; citations: Citation[] } {
  const focus = subject.focus;
  const probe = focus?.text ?? subject.pageTitle ?? "";
  // The client sends the block in view and its neighbours first, so the order of the blocks is
  // not the page's: the blocks this one builds on are found by content, definitions first.
  const others = subject.blocks.filter((b) => b !== focus);
  const candidates = bestPassages(probe, others, 4);
  const passages = preferring(candidates, DEFINITION_SENTENCE).slice(0, 2);
  const parts: string[] = [];
  const citations: Citation[] = [];
  const line = focus ? exerciseLine(focus.text) : undefined;
  const equation = line ? linearExercise(line) : undefined;
  if (passages.length > 0) {
    parts.push("This part builds on what the page explains here. Review:", ...passages.map((p) => quote(p.text)));
    citations.push(...passages.map((p) => pageCitation(p.blockId, p.text)));
  } else if (focus && line && equation) {
    // Nothing else on the page to point to, but the exercise's own shape says what it builds on.
    parts.push(inverseOperationsReview(equation));
    citations.push(cite(focus, line));
  }
  const note = courseFaqNote(probe, faq);
  if (note) {
    parts.push(note.text);
    citations.push(note.citation);
  }
  if (parts.length === 0) {
    parts.push(
      "I couldn't find another part of this page or your course FAQ that this builds on. Try the previous lesson, or ask your instructor what to review.",
    );
  }
  return { text: parts.join("\n\n"), citations };
}

/** Help texts with no model: extractive from the page and the FAQ, each quoted and cited. */
export function composeOfflineHelp(subject: HelpSubject, faq: readonly FaqEntry[]) {
  if (subject.kind === "hint") return hint(subject, faq);
  if (subject.kind === "content_summary") return summary(subject);
  return prerequisite(subject, faq);
}

export function offlineHelpProvider(subject: HelpSubject, faq: readonly FaqEntry[]): ChatProvider {
  return {
    name: "offline",
    async stream(_request, onToken) {
      const { text, citations } = composeOfflineHelp(subject, faq);
      onToken(text);
      return { text, usage: { inputTokens: 0, outputTokens: 0 }, citations };
    },
  };
}
