import type { Citation } from "@atomic-guide/shared";
import { answerCheck, claimedValue, exerciseIn } from "../chat/answer-check";
import { type Equation, equationsToSolve, equationText, exerciseOf } from "../chat/equation";
import { asksForEverydayExample } from "../chat/everyday-example";
import { followUpKind, saysNotFollowed } from "../chat/follow-up-questions";
import { composeOfflineHelp } from "../chat/help-offline";
import { asksForHelpHere, asksForHelpWith, WHICH_PART } from "../chat/help-request";
import { notationAnswer } from "../chat/notation";
import { asksForGist, asksForOverview, pageOverview } from "../chat/page-overview";
import {
  asksForHarder,
  asksForPractice,
  lastPracticeSet,
  practiceProblem,
  practiceSetIn,
} from "../chat/practice-problem";
import { smallTalkReply } from "../chat/small-talk";
import { solvingHelp, solvingHelpFor } from "../chat/solving-help";
import { stepCheck } from "../chat/step-check";
import { termQuestion } from "../chat/term-question";
import { pageCitation, pageTopics, passagesFor, quote, WHOLE_PAGE_ID } from "../knowledge/extract";
import { answeringFaqEntry, type FaqEntry, faqCitation } from "../knowledge/faq";
import { type PageBlock, pageBlocks } from "../knowledge/page-blocks";
import { hintFocus, pageFocus } from "../knowledge/page-focus";
import { composeAnswerRequest } from "./offline-answer-request";
import { blockNamedIn, exerciseInPlainWords, exerciseSources, namedExercise, numberAnswer } from "./offline-exercise";
import { composeFollowUp } from "./offline-follow-up";
import type { ChatProvider, ModelRequest } from "./types";

export const OFFLINE_LABEL = "Offline answer (no AI model was used):";
export const OFFLINE_FAQ_LABEL = "Offline answer from your course FAQ:";
export const OFFLINE_FAQ_TOO = "Your course FAQ says:";
export const OFFLINE_PAGE_LABEL = "Offline answer from this page (no AI model was used):";
export const OFFLINE_PAGE_TOO = "This page says:";
export const OFFLINE_METHOD_LABEL = "Offline answer (no AI model was used): how to solve an equation like yours.";
export const OFFLINE_METHOD_TOO = "How to solve an equation like yours:";
export const OFFLINE_NONE =
  "I'm working offline right now and couldn't find this in your course FAQ or on this page. " +
  "Try rephrasing with words from the page, or ask your instructor.";

export interface OfflineAnswer {
  text: string;
  citations: Citation[];
}

/**
 * Pure retrieval over the tenant's FAQ and the page: works with no account and no network. The
 * FAQ's answer when an entry answers the question, and the page's best sentences quoted, each
 * cited; for a question holding a linear equation, the method and a similar problem worked
 * through; a value the learner found ("I got x = 4") put back into the exercise (answer-check.ts)
 * and a step they took ("2x - 3 = 11, so 2x = 14?") checked (step-check.ts);
 * a follow-up the guide offered answered for the question before it
 * (offline-follow-up.ts); a greeting or thanks answered in kind; a plain "not found" when none
 * of these applies.
 */
export function composeOfflineAnswer(request: ModelRequest, faq: readonly FaqEntry[]): OfflineAnswer {
  // The guide's own follow-ups hold no words of their own to look for: they are about the question before.
  const kind = followUpKind(request.question);
  // "I don't get it": what the guide said in the window, so it is not what the learner gets again.
  const notFollowed = saysNotFollowed(request.question)
    ? {
        earlierAnswer: request.earlierAnswer,
        said: request.messages.filter((m) => m.role === "assistant").map((m) => m.content),
      }
    : undefined;
  // Parsed once, when a path first needs the page: small talk never does.
  let parsed: PageBlock[] | undefined;
  const pageParts = () => (parsed ??= pageBlocks(request.pageContent));
  const followUp =
    kind && request.earlierQuestion
      ? composeFollowUp(kind, request.earlierQuestion, pageParts(), faq, {
          notFollowed,
          everyday: asksForEverydayExample(request.question),
        })
      : undefined;
  if (followUp) return followUp;
  const smallTalk = smallTalkReply(request.question);
  if (smallTalk) return { text: smallTalk, citations: [] };
  const blocks = pageParts();
  // "What is this page about?": the page's own aim and its parts, not sentences sharing "page".
  const overview = asksForOverview(request.question)
    ? pageOverview(blocks, request.pageTitle, asksForGist(request.question))
    : undefined;
  if (overview) return fromThePage(overview);
  // "Help", "hint please": what the "I'm stuck" button gives, a hint on the part in focus.
  if (asksForHelpHere(request.question)) {
    const focus = hintFocus(blocks, request.elementId, request.elementText);
    if (!focus) return { text: WHICH_PART, citations: [] };
    return fromThePage(composeOfflineHelp({ kind: "hint", blocks, focus, pageTitle: request.pageTitle }, faq));
  }
  // "A hint for exercise 1": the same hint, for the part it names by its heading.
  const namedForHelp = asksForHelpWith(request.question) ? blockNamedIn(request.question, blocks) : undefined;
  if (namedForHelp) {
    return fromThePage(
      composeOfflineHelp({ kind: "hint", blocks, focus: namedForHelp, pageTitle: request.pageTitle }, faq),
    );
  }
  // "Quiz me", "another one": a problem of the page's kind to solve, which the next turn checks.
  if (asksForPractice(request.question)) {
    const focus = pageFocus(blocks, request.elementId, request.elementText);
    const lastSet = practiceSetIn(request.earlierAnswer) ?? lastPracticeSet(request.messages);
    const problem = practiceProblem(
      blocks.map((b) => b.text),
      focus?.text,
      lastSet,
      asksForHarder(request.question),
    );
    if (problem) return { text: `${OFFLINE_LABEL}\n\n${problem}`, citations: [] };
  }
  // "What do I do with the minus 3?": that number of the exercise worked on, and the move that undoes it.
  const aboutNumber = numberAnswer(request, blocks);
  if (aboutNumber) return { ...aboutNumber, text: `${OFFLINE_LABEL}\n\n${aboutNumber.text}` };
  // "What's the answer to exercise 1?": the way to it, for that exercise (no passages needed).
  const answerRequest = composeAnswerRequest(request, blocks);
  if (answerRequest) return answerRequest;
  // "What's 3x?", "what does coefficient mean?": the shorthand or the word explained, then the
  // page's own words found by its meaning or by that word alone.
  const notation = notationAnswer(request.question) ?? termQuestion(request.question);
  const found = passagesFor(notation?.pageSearch ?? request.question, blocks, notation?.phrase);
  const passages = aboutTheSameEquation(exerciseOf(request.question), found);
  // "I got x = 4", or a step "2x - 3 = 11, so 2x = 14?": the learner's own work checked first;
  // what the page says about it, after.
  const claim = checkOfClaim(request, blocks);
  const check = claim?.text ?? stepCheck(request.question);
  if (check) {
    // "Is 10 right for question 1?" names no equation; the page's other exercises are not about it.
    const about = claim ? aboutTheSameEquation(claim.equation, found) : passages;
    const quoted = about.length > 0 ? [OFFLINE_PAGE_TOO, ...about.map((p) => quote(p.text))] : [];
    return {
      text: [check, ...quoted].join("\n\n"),
      citations: about.map((p) => pageCitation(p.blockId, p.text)),
    };
  }
  const faqHit = answeringFaqEntry(request.question, faq);
  const citations: Citation[] = [];
  const parts: string[] = notation?.text ? [OFFLINE_LABEL, notation.text] : [];
  if (faqHit) {
    parts.push(parts.length > 0 ? OFFLINE_FAQ_TOO : OFFLINE_FAQ_LABEL, faqHit.answer);
    citations.push(faqCitation(faqHit));
  }
  // "Can you explain exercise 1?": that exercise quoted and said in plain words, before anything
  // the question's other words find.
  const named = namedExercise(request.question, blocks);
  const namedId = named && (named.block.id ?? WHOLE_PAGE_ID);
  const others = passages.filter((p) => p.blockId !== namedId);
  if (named || others.length > 0) {
    parts.push(parts.length > 0 ? OFFLINE_PAGE_TOO : OFFLINE_PAGE_LABEL);
    if (named && namedId) {
      parts.push(quote(named.line), exerciseInPlainWords(named));
      citations.push(pageCitation(namedId, named.line));
    }
    parts.push(...others.map((p) => quote(p.text)));
    citations.push(...others.map((p) => pageCitation(p.blockId, p.text)));
  }
  // An equation in the question (or the exercise it names) gets the method and a similar
  // problem worked through; its own result is left to the learner (it may be a graded item, and
  // doing the steps is the point).
  const solving = named ? solvingHelpFor(named.equation) : solvingHelp(request.question);
  if (solving)
    parts.push(parts.length > 0 ? OFFLINE_METHOD_TOO : OFFLINE_METHOD_LABEL, solving.method, solving.example);
  if (parts.length === 0) {
    // Say what the guide can answer from here, in the page's own headings.
    const topics = pageTopics(blocks);
    const covers = topics.length > 1 ? `\n\nThis page covers: ${topics.join(", ")}.` : "";
    return { text: `${OFFLINE_NONE}${covers}`, citations: [] };
  }
  return { text: parts.join("\n\n"), citations };
}

/** An answer made from the page alone, labelled as such. */
const fromThePage = ({ text, citations }: OfflineAnswer): OfflineAnswer => ({
  text: `${OFFLINE_PAGE_LABEL}\n\n${text}`,
  citations,
});

/**
 * "How do I solve -2x + 4 = 10?": the page's sentences that share its words but set or work
 * another equation ("Solve 2x − 3 = 11. x =") are another exercise, not about this one; the
 * guide's own similar problem shows the steps. Sentences with the same equation or none stay.
 */
function aboutTheSameEquation<P extends { text: string }>(asked: Equation | undefined, passages: P[]): P[] {
  if (!asked) return passages;
  const same = equationText(asked);
  return passages.filter((p) => {
    const written = equationsToSolve(p.text);
    return written.length === 0 || written.some((e) => equationText(e) === same);
  });
}

/** "I got x = 4": checked against the exercise the question is about (`exerciseSources`). */
function checkOfClaim(
  request: ModelRequest,
  blocks: ReturnType<typeof pageBlocks>,
): { text: string; equation: Equation } | undefined {
  const equation = exerciseIn(exerciseSources(request, blocks).map((source) => source.text));
  const value = equation ? claimedValue(request.question, equation.variable) : undefined;
  return equation && value !== undefined
    ? { text: answerCheck(equation, value, request.graded === true), equation }
    : undefined;
}

export function offlineProvider(faq: readonly FaqEntry[]): ChatProvider {
  return {
    name: "offline",
    async stream(request, onToken) {
      const { text, citations } = composeOfflineAnswer(request, faq);
      // Word-sized pieces, so clients render the offline answer through the same streaming path.
      for (const piece of text.match(/\S+\s*/g) ?? [text]) onToken(piece);
      // Retrieval costs no model tokens, so it never draws on the budgets.
      return { text, usage: { inputTokens: 0, outputTokens: 0 }, citations };
    },
  };
}
