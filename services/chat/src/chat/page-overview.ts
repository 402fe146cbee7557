import type { Citation } from "@atomic-guide/shared";
import {
  centralSentences,
  headingOf,
  leadSentences,
  pageCitation,
  pageTopics,
  quote,
  WHOLE_PAGE_ID,
  withoutHeading,
} from "../knowledge/extract";
import { type PageBlock, sentencesOf } from "../knowledge/page-blocks";
import { typedPhrase } from "./typed-phrase";

/**
 * "What is this page about?", "summarise this lesson", "what will I learn here?": a question about
 * the page as a whole. Its words ("page", "about") are in no sentence worth quoting, so retrieval
 * answers "couldn't find this"; the page's own statement of its aim and its headings answer it.
 */
const PART = "(?:page|lesson|section|reading|chapter|unit|module|topic|text|article|lecture|video|clip|slides)";
const WHATS = "(?:so |and |ok |okay )?what(?:'s|s| is)";
const ASKS: readonly RegExp[] = [
  new RegExp(`^${WHATS} (?:this|the) ${PART}(?: all)? about$`, "u"),
  new RegExp(`^${WHATS} this(?: all)? about$`, "u"),
  new RegExp(`^${WHATS} the (?:main )?(?:idea|point|topic|goal|aim) of (?:this|the) ${PART}$`, "u"),
  new RegExp(`^what does (?:this|the) ${PART} (?:cover|teach|explain)$`, "u"),
  new RegExp(
    `^(?:can you |could you |please )?(?:summari[sz]e|sum up|give me (?:a|an) (?:short |quick |brief )?(?:summary|overview) of)(?: (?:it|this|that|(?:this|the) ${PART}))?(?: for me)?(?: please)?$`,
    "u",
  ),
  /^(?:give me )?(?:a |an )?(?:short |quick |brief )?(?:summary|overview|tl;?dr)(?: please)?$/u,
  new RegExp(
    `^what (?:(?:will|do|should|can) i (?:learn|be learning)|am i (?:learning|meant to learn|supposed to learn))(?: (?:here|today|on this ${PART}|in this ${PART}|from this ${PART}))?$`,
    "u",
  ),
  new RegExp(`^what are we (?:learning|doing)(?: (?:here|today|on this ${PART}|in this ${PART}))?$`, "u"),
];

export function asksForOverview(question: string): boolean {
  const text = typedPhrase(question);
  return ASKS.some((pattern) => pattern.test(text));
}

/** "Summarise the video", "tl;dr": the gist of what the page says as well as what it is for. */
const ASKS_GIST = /\b(?:summari[sz]e|sum up|summary|tl;?dr)\b/u;
export const asksForGist = (question: string) => ASKS_GIST.test(typedPhrase(question));

/** Sentences of the gist: enough to tell what the page says, few enough to read at a glance. */
const GIST_SENTENCES = 3;

/** A block that says what the page is for, by its heading or its first words. */
const THIS_PART = "(?:page|lesson|unit|module|section|chapter|reading|(?:short )?(?:clip|video))";
const INTRO_HEADING = new RegExp(
  `^(?:what you(?:'ll| will) learn|learning (?:goals|objectives|outcomes)|objectives|goals|overview|introduction|intro|summary|before you (?:watch|read|start|begin)|about this ${THIS_PART}|in this ${THIS_PART})\\b`,
  "iu",
);
const INTRO_SENTENCE = new RegExp(
  `^(?:in this ${THIS_PART}|this ${THIS_PART} (?:is about|covers|explains|shows|introduces|looks at)|you will learn|by the end of this)`,
  "iu",
);

function introOf(blocks: readonly PageBlock[]): { block: PageBlock; text: string } | undefined {
  for (const block of blocks) {
    const heading = headingOf(block.text);
    const body = withoutHeading(block.text);
    if (heading && INTRO_HEADING.test(heading) && body !== block.text) return { block, text: leadSentences(body, 2) };
    // Its first line may be a heading of its own ("Fractions"), the aim the line after.
    if (INTRO_SENTENCE.test(body)) return { block, text: leadSentences(body, 2) };
  }
  return undefined;
}

export interface PageOverview {
  text: string;
  citations: Citation[];
}

/**
 * The page's title, its own statement of what it is for (quoted and cited) when it has one, and
 * its headings. Undefined when the page sent neither, so the question falls to retrieval.
 */
export function pageOverview(
  blocks: readonly PageBlock[],
  pageTitle: string | undefined,
  withGist = false,
): PageOverview | undefined {
  const intro = introOf(blocks);
  const topics = pageTopics(blocks, 8);
  if (!intro && topics.length === 0) return undefined;
  const title = pageTitle?.trim();
  const parts = [title ? `This page is "${title}".` : "Here is what this page is about."];
  const citations = intro ? [pageCitation(intro.block.id ?? WHOLE_PAGE_ID, intro.text)] : [];
  if (intro) parts.push(`It says what it is for:\n\n${quote(intro.text)}`);
  const gist = withGist ? gistOf(blocks.filter((b) => b !== intro?.block)) : [];
  if (gist.length > 0) {
    parts.push(`In short, it says:\n\n${gist.map((g) => quote(g.text)).join("\n\n")}`);
    citations.push(...gist.map((g) => pageCitation(g.blockId, g.text)));
  }
  const headings = topics.filter((t) => !INTRO_HEADING.test(t));
  if (headings.length > 0) parts.push(`Its parts: ${headings.join(", ")}.`);
  parts.push("Ask me about any of them, or about a sentence you'd like explained.");
  return { text: parts.join("\n\n"), citations };
}

/** The sentences that carry most of the page's words (headings left out), in reading order. */
function gistOf(blocks: readonly PageBlock[]): { blockId: string; text: string }[] {
  const bodies = blocks.map((b) => ({ blockId: b.id ?? WHOLE_PAGE_ID, text: withoutHeading(b.text) }));
  const central = new Set(centralSentences(bodies.map((b) => b.text).join("\n\n"), GIST_SENTENCES));
  return bodies.flatMap((b) =>
    sentencesOf(b.text)
      .filter((s) => central.has(s))
      .map((text) => ({ blockId: b.blockId, text })),
  );
}
