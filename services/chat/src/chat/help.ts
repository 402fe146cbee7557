import { loadBudgetLimits } from "../budget/limits";
import { turnMaximum } from "../budget/turn-maximum";
import { tenantBudgetStub } from "../do/stubs";
import { matchFaq } from "../knowledge/faq";
import { faqCandidates } from "../knowledge/faq-source";
import { pageBlocks, renderBlocks } from "../knowledge/page-blocks";
import { hintFocus } from "../knowledge/page-focus";
import { providerChain } from "../providers/fallback-chain";
import { estimateTokens } from "../providers/types";
import { groundedAnswer } from "./grounded-answer";
import { type HelpSubject, offlineHelpProvider } from "./help-offline";
import { buildMessages } from "./prompt";
import type { HelpReply, HelpRequest } from "./schemas";
import type { TurnDeps } from "./turn";

/** Fixed requests for each kind; the element's text goes to the model as page data, never here. */
const TASKS: Record<HelpRequest["kind"], { message: string; task: string }> = {
  hint: {
    message: "Give me a hint for the part of the page I am stuck on.",
    task: "Give one short hint for the first block of the page content (the part the learner is stuck on): point to the idea or step that unlocks it, and if it is an exercise show a worked example of a similar problem with different numbers. Do not solve the exercise itself.",
  },
  content_summary: {
    message: "Summarise the part of the page I am on.",
    task: "Summarise the first block of the page content (the part the learner is on) in three short sentences, in plain words, using only what the page says.",
  },
  prerequisite_resource: {
    message: "What should I review before this part of the page?",
    task: "Name the ideas the first block of the page content builds on and what to review first, pointing to earlier blocks of the page or the course FAQ where they are explained.",
  },
};

/**
 * Help text for the element an intervention is about, grounded on that element's content and
 * its page, through the same provider chain as chat (offline: extractive from page and FAQ).
 * Budgets are held as for a turn; a learner or tenant with none left gets the offline text.
 */
export async function helpFor(deps: TurnDeps, request: HelpRequest): Promise<HelpReply> {
  const { env, auth, vars } = deps;
  const page = request.pageContext;
  const blocks = pageBlocks(page.pageContent);
  const focus = hintFocus(blocks, page.elementId, page.elementText);
  const subject: HelpSubject = { kind: request.kind, blocks, focus, pageTitle: page.pageTitle };
  // The element first, then the rest of the page: what the model reads first is what it is about.
  const ordered = focus ? [focus, ...blocks.filter((b) => b !== focus)] : blocks;
  const probe = `${page.pageTitle ?? ""} ${focus?.text ?? ""}`.slice(0, 2000);
  const { message, task } = TASKS[request.kind];
  const nowMs = Date.now();
  const maximum = turnMaximum(vars, {
    message,
    pageContent: page.pageContent,
    modelCalled: deps.preference !== "offline",
    window: 0,
  });
  const [limits, faq] = await Promise.all([
    loadBudgetLimits(env.KNOWLEDGE, auth.tenantId, vars),
    faqCandidates(env, auth, probe, page.courseId ?? auth.contextId),
  ]);
  const [learnerHold, tenantHold] = await Promise.all([
    deps.learner.reserve({ tokens: maximum.fixed, limit: limits.learnerTokensPerDay, nowMs }),
    tenantBudgetStub(env, auth.tenantId).reserve(maximum.fixed, limits.tenantTokensPerDay, nowMs),
  ]);
  const held = Math.min(learnerHold?.reserved ?? 0, tenantHold?.reserved ?? 0);
  const faqShown = matchFaq(probe, faq, 2);
  const messages = buildMessages({
    message,
    pageContext: { ...page, pageContent: renderBlocks(ordered) },
    history: [],
    faq: faqShown,
    task,
  });
  const inputTokens = messages.reduce((n, m) => n + estimateTokens(m.content), 0);
  const answer = await groundedAnswer({
    env,
    vars,
    auth,
    faq,
    chain: (providers) => {
      const offline = offlineHelpProvider(subject, faq);
      // Without budget left, no model is asked; the extractive help still answers.
      if (held <= inputTokens) return [offline];
      const chosen = providerChain(deps.preference, { ...providers, offline }, 0, vars.COMPLEXITY_THRESHOLD);
      return chosen;
    },
    messages,
    question: probe,
    pageContent: page.pageContent,
    elementId: focus?.id,
    elementText: page.elementText,
    graded: page.graded,
    faqShown,
    maxTokens: Math.max(1, Math.min(vars.AI_MAX_ANSWER_TOKENS, held - inputTokens)),
    onToken: () => undefined,
  });
  const tokens = Math.min(answer.tokens, held);
  await Promise.all([
    learnerHold && deps.learner.settle({ ...learnerHold, tokens, limit: limits.learnerTokensPerDay, nowMs }),
    tenantHold && tenantBudgetStub(env, auth.tenantId).settle(tenantHold, tokens, limits.tenantTokensPerDay, nowMs),
  ]);
  return { kind: request.kind, text: answer.text, citations: answer.citations, provider: answer.provider };
}
