import { ApiError, type AuthContext, type LearnerProfile, notFound, nowIso } from "@atomic-guide/shared";
import { type BudgetLimits, loadBudgetLimits } from "../budget/limits";
import { turnMaximum } from "../budget/turn-maximum";
import type { BeginTurn, FinishTurn } from "../do/chat-conversation";
import type { ConversationWindow, WindowMessage, WindowTicket } from "../do/conversation-window";
import { conversationOwner, conversationStub, tenantBudgetStub } from "../do/stubs";
import type { ChatEnvVars } from "../env-vars";
import { type FaqEntry, type FaqMatch, isStrongFaqMatch, matchFaq } from "../knowledge/faq";
import { faqCandidates } from "../knowledge/faq-source";
import { complexityScore } from "../providers/complexity";
import { type ProviderPreference, providerChain } from "../providers/fallback-chain";
import { estimateTokens } from "../providers/types";
import { earlierExchange } from "./earlier-exchange";
import { followUpSuggestions } from "./follow-up-questions";
import { groundedAnswer } from "./grounded-answer";
import type { LearnerGate, TokenHold } from "./learner-gate";
import { buildMessages, HISTORY_MESSAGE_CAP } from "./prompt";
import type { ChatMessageRequest, ChatReply } from "./schemas";
import { refuseAndRelease, tenantHold } from "./token-holds";

/** Earlier messages sent to the model with each question. */
export const MODEL_WINDOW = 10;

export interface TurnDeps {
  env: Env;
  vars: ChatEnvVars;
  auth: AuthContext;
  preference: ProviderPreference;
  learner: LearnerGate;
}

export interface PreparedTurn {
  deps: TurnDeps;
  request: ChatMessageRequest;
  conversationId: string;
  limits: BudgetLimits;
  history: { role: "user" | "assistant"; content: string }[];
  turns: number;
  profile: LearnerProfile | undefined;
  faq: FaqEntry[];
  /** Tokens held for this turn by the learner's and the tenant's counters. */
  holds: { learner: TokenHold; tenant: TokenHold };
  /** Registered with the learner's copy of the conversation's window (see do/conversation-window.ts). */
  windowTicket: WindowTicket;
  /**
   * The learner's message, not yet stored: a new conversation's, or a continuing one's whose
   * window came from the learner's copy. The conversation's object is called once the model has
   * been asked (at the first token), not while the learner waits for it.
   */
  question?: BeginTurn | undefined;
}

/**
 * Everything that can refuse the message, done before any model is called or any byte is
 * streamed: budgets (429, nothing stored or charged) and ownership (404). The turn's maximum
 * cost is held on both budgets here, so concurrent turns cannot overspend them.
 */
export async function prepareTurn(deps: TurnDeps, request: ChatMessageRequest): Promise<PreparedTurn> {
  const { env, auth, vars } = deps;
  const nowMs = Date.now();
  const courseId = request.pageContext?.courseId ?? auth.contextId;
  const create = request.conversationId === undefined;
  const conversationId = request.conversationId ?? crypto.randomUUID();
  const title = create ? request.message.slice(0, 80) : null;
  const maximum = turnMaximum(vars, {
    message: request.message,
    pageContent: request.pageContext?.pageContent,
    modelCalled: deps.preference !== "offline",
    window: MODEL_WINDOW,
  });
  // Independent look-ups run side by side; the holds wait only for the limits.
  const limitsLoaded = loadBudgetLimits(env.KNOWLEDGE, auth.tenantId, vars);
  const [limits, faq, tenant, admission] = await Promise.all([
    limitsLoaded,
    faqCandidates(env, auth, request.message, courseId),
    limitsLoaded.then((l) => tenantHold(env, auth.tenantId, maximum, l, nowMs)),
    limitsLoaded.then((l) =>
      deps.learner.admit({
        tenantId: auth.tenantId,
        userId: auth.userId,
        conversationId,
        create,
        title,
        limits: l,
        maximum,
        nowMs,
      }),
    ),
  ]);
  if (admission.kind !== "ok" || tenant === null) {
    throw await refuseAndRelease({ deps, admission, tenant, conversationId, created: create, nowMs });
  }
  const begin: BeginTurn = {
    owner: conversationOwner(auth),
    create,
    conversationId,
    title,
    messageId: crypto.randomUUID(),
    content: request.message,
    at: nowIso(nowMs),
    windowSize: MODEL_WINDOW,
    retention: admission.retention,
  };
  const prepared = {
    deps,
    request,
    conversationId,
    limits,
    profile: admission.profile,
    faq,
    holds: { learner: { reserved: admission.reserved, day: admission.day }, tenant },
    windowTicket: admission.windowTicket,
  };
  // A conversation id generated just now has no earlier messages and no other owner: nothing
  // its object could answer changes what the model is asked, so the object is created later.
  if (create) return { ...prepared, history: [], turns: 0, question: begin };
  // The learner's index lists the conversation as theirs and its copy of the window is current.
  // Its object is asked for no window then (it is only told the question).
  if (admission.window) return { ...prepared, ...admission.window, question: { ...begin, windowSize: 0 } };
  const begun = await conversationStub(env, auth.tenantId, conversationId).beginTurn(begin);
  if (!begun) {
    await deps.learner.cancelAdmission({
      conversationId,
      created: create,
      nowMs,
      reserved: admission.reserved,
      day: admission.day,
      windowTicket: admission.windowTicket,
    });
    await tenantBudgetStub(env, auth.tenantId).settle(tenant, 0, limits.tenantTokensPerDay, nowMs);
    throw notFound("No such conversation.");
  }
  return { ...prepared, history: begun.history, turns: begun.turns };
}

/**
 * Stores the learner's message not yet stored in the conversation's object, once: started by the
 * first token, awaited before the answer is stored, so the message is always stored before the answer.
 */
function questionStore(env: Env, turn: PreparedTurn): () => Promise<void> {
  let stored: Promise<void> | undefined;
  return () => {
    if (stored) return stored;
    const first = turn.question;
    stored = first
      ? conversationStub(env, first.owner.tenantId, first.conversationId)
          .beginTurn(first)
          .then((begun) => {
            if (!begun) throw new ApiError(409, "conversation_gone", "The conversation could not be created.");
          })
      : Promise.resolve();
    // Awaited later; until then a failure must not surface as an unhandled rejection.
    stored.catch(() => undefined);
    return stored;
  };
}

/** The window the next turn is sent: this turn's, its question and answer added. */
function windowAfter(turn: PreparedTurn, answer: string): ConversationWindow {
  // Capped as the prompt caps them (one character over keeps defuse's " [...]" marker the same).
  const cap = (content: string) => content.slice(0, HISTORY_MESSAGE_CAP + 1);
  const history: WindowMessage[] = [
    ...turn.history,
    { role: "user", content: cap(turn.request.message) },
    { role: "assistant", content: cap(answer) },
  ];
  return { history: history.slice(-MODEL_WINDOW), turns: turn.turns + 2 };
}

/** Asks the providers, streams through `onToken`, stores the answer and settles the holds. */
export async function executeTurn(turn: PreparedTurn, onToken: (text: string) => void): Promise<ChatReply> {
  const { env, auth, vars } = turn.deps;
  const { message, pageContext } = turn.request;
  const faqMatches: FaqMatch[] = matchFaq(message, turn.faq, 2);
  const faqHit = faqMatches[0];
  // A question the FAQ answers well gets the institution's own answer, at no cost.
  const useFaq = turn.deps.preference === "auto" && isStrongFaqMatch(faqHit);
  const messages = buildMessages({
    message,
    pageContext,
    profile: turn.profile,
    history: turn.history,
    faq: faqMatches,
  });
  const held = Math.min(turn.holds.learner.reserved, turn.holds.tenant.reserved);
  const inputTokens = messages.reduce((n, m) => n + estimateTokens(m.content), 0);
  const storeQuestion = questionStore(env, turn);
  const earlier = earlierExchange(turn.history);
  const answer = await groundedAnswer({
    env,
    vars,
    auth,
    faq: turn.faq,
    chain: (providers) =>
      useFaq
        ? [providers.offline]
        : providerChain(
            turn.deps.preference,
            providers,
            complexityScore(message, turn.turns),
            vars.COMPLEXITY_THRESHOLD,
          ),
    messages,
    question: message,
    earlierQuestion: earlier.question,
    earlierAnswer: earlier.answer,
    pageContent: pageContext?.pageContent,
    pageTitle: pageContext?.pageTitle,
    elementId: pageContext?.elementId,
    elementText: pageContext?.elementText,
    graded: pageContext?.graded,
    faqShown: faqMatches,
    maxTokens: Math.max(1, Math.min(vars.AI_MAX_ANSWER_TOKENS, held - inputTokens)),
    onToken: (text) => {
      // The learner's token first: creating the object must not hold it up.
      onToken(text);
      void storeQuestion();
    },
  }).catch(async (e: unknown) => {
    // The learner's message is kept even when no answer came.
    await storeQuestion().catch(() => undefined);
    throw e;
  });
  const notStored = await storeQuestion().then(
    () => undefined,
    (e: unknown) => e,
  );
  // Never more than both holds allow: that is what keeps concurrent turns within the budgets.
  const tokens = Math.min(answer.tokens, held);
  const nowMs = Date.now();
  const settleTenant = () =>
    tenantBudgetStub(env, auth.tenantId).settle(turn.holds.tenant, tokens, turn.limits.tenantTokensPerDay, nowMs);
  const learnerSettle = { ...turn.holds.learner, tokens, limit: turn.limits.learnerTokensPerDay, nowMs };
  const window = { conversationId: turn.conversationId, ticket: turn.windowTicket };
  if (notStored !== undefined) {
    // The conversation is gone (its object refused the question): the model's cost is charged,
    // the rest of both holds given back, and the learner's copy of the window cleared.
    await Promise.all([turn.deps.learner.settle({ ...learnerSettle, window }), settleTenant()]);
    throw notStored;
  }
  const at = nowIso(nowMs);
  const messageId = crypto.randomUUID();
  const finish: FinishTurn = {
    owner: conversationOwner(auth),
    messageId,
    content: answer.text,
    provider: answer.provider,
    tokens,
    at,
    // Queued with the answer in the conversation's object, which sends it to analytics.
    event: {
      eventId: messageId,
      type: "chat_message",
      tenantId: auth.tenantId,
      d1Binding: auth.d1Binding,
      userId: auth.userId,
      contextId: auth.contextId,
      at,
      conversationId: turn.conversationId,
      provider: answer.provider,
      tokens,
    },
    analyticsCaller: { tenantId: auth.tenantId, pins: auth.pins },
  };
  const [stored, learnerUsage, tenantUsage] = await Promise.all([
    conversationStub(env, auth.tenantId, turn.conversationId).finishTurn(finish),
    turn.deps.learner.settle({
      ...learnerSettle,
      conversationId: turn.conversationId,
      window: { ...window, next: windowAfter(turn, answer.text) },
    }),
    settleTenant(),
  ]);
  if (!stored) throw new ApiError(409, "conversation_gone", "The conversation was deleted while answering.");
  return {
    conversationId: turn.conversationId,
    messageId,
    response: answer.text,
    suggestions: followUpSuggestions(message, turn.faq, useFaq ? faqHit?.entry.id : undefined),
    provider: answer.provider,
    citations: answer.citations,
    tokenUsage: { used: tokens, remaining: Math.min(learnerUsage.remaining, tenantUsage.remaining) },
  };
}
