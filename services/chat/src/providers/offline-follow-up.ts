import type { Citation } from "@atomic-guide/shared";
import { exerciseOf } from "../chat/equation";
import { everydayExample } from "../chat/everyday-example";
import type { FollowUpKind } from "../chat/follow-up-questions";
import {
  findLinearEquations,
  inverseOperationsReview,
  type LinearEquation,
  linearExercise,
  needsSolving,
  sameEquation,
  similarProblem,
  workedExample,
} from "../chat/linear-equation";
import { solvingHelp } from "../chat/solving-help";
import { termQuestion } from "../chat/term-question";
import {
  DEFINITION_SENTENCE,
  headingOf,
  leadSentences,
  pageCitation,
  passagesFor,
  preferring,
  quote,
  unquotedPassages,
  WHOLE_PAGE_ID,
  withoutHeading,
} from "../knowledge/extract";
import { courseFaqNote, type FaqEntry } from "../knowledge/faq";
import type { PageBlock } from "../knowledge/page-blocks";
import { namedExercise } from "./offline-exercise";

/** Sentences that show a case rather than state a rule. */
const EXAMPLE = /\b(?:for example|for instance|e\.g\.|example|such as|suppose|consider)\b/i;

export const followUpLabel = (earlier: string) =>
  `Offline answer about your earlier question, "${earlier.length > 80 ? `${earlier.slice(0, 79)}…` : earlier}" (no AI model was used):`;

/**
 * One of the guide's own follow-ups, answered for the question before it: an equation's method
 * and a similar problem worked through (never the learner's own result), or the page's passages
 * on that question, examples or definitions first as the follow-up asks. Undefined when neither
 * the page nor the FAQ says anything about it.
 */
export function composeFollowUp(
  kind: FollowUpKind,
  earlier: string,
  blocks: readonly PageBlock[],
  faq: readonly FaqEntry[],
  { notFollowed, everyday = false }: { notFollowed?: NotFollowed | undefined; everyday?: boolean } = {},
): { text: string; citations: Citation[] } | undefined {
  const parts: string[] = [];
  const citations: Citation[] = [];
  // The exercise the question before wrote out, or the one it named ("explain exercise 1").
  const exercise = namedExercise(earlier, blocks)?.line ?? earlier;
  // "Another example" is another one: the first answer showed the first similar problem.
  const solving = solvingHelp(exercise, kind === "example" ? 1 : 0);
  const simple = linearExercise(exercise);
  // A question about one word ("what are like terms?") is about the passages that hold it.
  const term = termQuestion(earlier);
  // Not followed: the page's other words on it (a word asked about is explained again below).
  const again = notFollowed && !solving && !term ? inOtherWords(earlier, blocks, notFollowed) : undefined;
  if (kind === "review" && simple) {
    // What to review before solving it: the inverse operations it is built on.
    parts.push(inverseOperationsReview(simple));
  } else if (solving) {
    // "A real life example" of ax + b = c: a story it describes, with a similar problem's numbers.
    const story = kind === "example" && everyday && simple ? everydayExample(simple) : undefined;
    parts.push(...(kind === "example" ? [] : [solving.method]), story ?? solving.example);
  } else if (again) {
    parts.push(...again.parts);
    citations.push(...again.citations);
  } else {
    const found = passagesFor(term?.pageSearch ?? earlier, blocks, term?.phrase, 4);
    const passages =
      kind === "example"
        ? preferring(found, EXAMPLE)
        : kind === "review"
          ? preferring(found, DEFINITION_SENTENCE)
          : found;
    const picked = passages.slice(0, kind === "steps" ? 4 : 2);
    if (picked.length > 0) {
      if (kind === "steps") {
        const inOrder = [...picked].sort((a, b) => a.order - b.order);
        parts.push("Step by step, as this page puts it:", inOrder.map((p, i) => `${i + 1}. ${p.text}`).join("\n"));
        citations.push(...inOrder.map((p) => pageCitation(p.blockId, p.text)));
      } else {
        parts.push(
          kind === "example" ? "From this page:" : "Review these parts of the page first:",
          ...picked.map((p) => quote(p.text)),
        );
        citations.push(...picked.map((p) => pageCitation(p.blockId, p.text)));
        // A question that names no exercise at all ("explain the balance method").
        if (kind === "example" && exerciseOf(earlier) === undefined) {
          const source = pageExampleSource(picked, blocks);
          if (source) parts.push(workedExample(source));
        }
      }
    } else if (term?.text) {
      parts.push(term.text);
    } else if (kind === "example") {
      // The question before found nothing of its own ("what is this page about?"): the page's own
      // worked example, and one made like the page's equations.
      const shown = pageWorkedExample(blocks);
      if (shown) {
        parts.push("From this page:", quote(shown.text));
        citations.push(pageCitation(shown.blockId, shown.text));
      }
      const source = pageExampleSource([], blocks);
      if (source) parts.push(workedExample(source));
    }
    const note = courseFaqNote(earlier, faq);
    if (note) {
      parts.push(note.text);
      citations.push(note.citation);
    }
  }
  if (parts.length === 0) return undefined;
  return { text: [followUpLabel(earlier), ...parts].join("\n\n"), citations };
}

/** What the learner did not follow: the answer to their question, and all the guide said since. */
export interface NotFollowed {
  earlierAnswer?: string | undefined;
  said: readonly string[];
}

/** Comparisons and examples: the page's other ways of saying a thing. */
const PICTURE = /\b(?:like|as if|just as|think of|imagine|picture|for example|for instance|such as|in other words)\b/iu;
const SAY_IT_BACK =
  "Try saying it back in your own words, then ask me about the word or the step that still doesn't make sense.";

/**
 * "I don't get it" after an answer quoted from the page: up to two of the page's other sentences on
 * the same thing, a comparison or an example first, in reading order, never a quote the learner was
 * already given. Undefined when the answer quoted nothing or the page has nothing else on it.
 */
function inOtherWords(
  earlier: string,
  blocks: readonly PageBlock[],
  { earlierAnswer, said }: NotFollowed,
): { parts: string[]; citations: Citation[] } | undefined {
  const quoted = (earlierAnswer ?? "")
    .split("\n")
    .filter((line) => line.startsWith("> "))
    .map((line) => line.slice(2));
  if (quoted.length === 0) return undefined;
  const found = unquotedPassages(earlier, quoted.join(" "), blocks, [earlierAnswer, ...said].join("\n"), 4);
  const other = preferring(found, PICTURE)
    .slice(0, 2)
    .sort((a, b) => a.order - b.order);
  if (other.length === 0) return undefined;
  return {
    parts: ["Put another way, as this page also says it:", ...other.map((p) => quote(p.text)), SAY_IT_BACK],
    citations: other.map((p) => pageCitation(p.blockId, p.text)),
  };
}

/**
 * An equation of the page to base a new example on, for an example asked about a question that
 * names none ("explain the balance method"): one in the passages quoted first, else anywhere on
 * the page. None when the example made from it would be an equation the page itself holds (an
 * exercise's, say): the example never shows the working of one of the page's own.
 */
function pageExampleSource(
  picked: readonly { text: string }[],
  blocks: readonly PageBlock[],
): LinearEquation | undefined {
  const onPage = blocks.flatMap((b) => findLinearEquations(b.text)).filter(needsSolving);
  const source = picked.flatMap((p) => findLinearEquations(p.text)).find(needsSolving) ?? onPage[0];
  if (!source) return undefined;
  const { e } = similarProblem(source);
  return onPage.some((known) => sameEquation(known, e)) ? undefined : source;
}

/** The page's block headed as an example ("Worked example", "Example 2"), its first sentences. */
function pageWorkedExample(blocks: readonly PageBlock[]): { blockId: string; text: string } | undefined {
  for (const block of blocks) {
    const heading = headingOf(block.text);
    const body = withoutHeading(block.text);
    if (heading && /^(?:a )?(?:worked )?examples?\b/iu.test(heading) && body !== block.text)
      return { blockId: block.id ?? WHOLE_PAGE_ID, text: leadSentences(body, 4) };
  }
  return undefined;
}
