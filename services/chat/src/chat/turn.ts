import {
  ApiError,
  type AuthContext,
  createLogger,
  errorFields,
  type LearnerProfile,
  notFound,
  nowIso,
} from "@atomic-guide/shared";
import { type BudgetLimits, loadBudgetLimits, secondsUntilNextUtcDay } from "../budget/limits";
import { overBudget } from "../budget/over-budget";
import type { FinishTurn } from "../do/chat-conversation";
import { conversationOwner, conversationStub, tenantBudgetStub } from "../do/stubs";
import type { ChatEnvVars } from "../env-vars";
import { type FaqEntry, isStrongFaqMatch, matchFaq } from "../knowledge/faq";
import { faqCandidates } from "../knowledge/faq-source";
import { complexityScore } from "../providers/complexity";
import {
  answerWithFallback,
  availableProviders,
  type ProviderPreference,
  providerChain,
} from "../providers/fallback-chain";
import { aiRunnerFrom } from "../providers/workers-ai";
import { sendChatEvent } from "./analytics";
import { followUpSuggestions } from "./follow-up-questions";
import type { LearnerGate } from "./learner-gate";
import { ANSWER_CHAR_CAP, buildMessages } from "./prompt";
import type { ChatMessageRequest, ChatReply } from "./schemas";

/** Earlier messages sent to the model with each question. */
export const MODEL_WINDOW = 10;

export interface TurnDeps {
  env: Env;
  vars: ChatEnvVars;
  auth: AuthContext;
  preference: ProviderPreference;
  learner: LearnerGate;
  waitUntil(promise: Promise<unknown>): void;
}

export interface PreparedTurn {
  deps: TurnDeps;
  request: ChatMessageRequest;
  conversationId: string;
  limits: BudgetLimits;
  history: { role: "user" | "assistant"; content: string }[];
  turns: number;
  profile: LearnerProfile | undefined;
  remaining: number;
  faq: FaqEntry[];
}

/**
 * Everything that can refuse the message, done before any model is called or any byte is
 * streamed: budgets (429, nothing stored or charged) and ownership (404).
 */
export async function prepareTurn(deps: TurnDeps, request: ChatMessageRequest): Promise<PreparedTurn> {
  const { env, auth, vars } = deps;
  const nowMs = Date.now();
  const courseId = request.pageContext?.courseId ?? auth.contextId;
  const create = request.conversationId === undefined;
  const conversationId = request.conversationId ?? crypto.randomUUID();
  const title = create ? request.message.slice(0, 80) : null;
  // Independent look-ups run side by side; only the learner's admission waits for the limits.
  const limitsLoaded = loadBudgetLimits(env.KNOWLEDGE, auth.tenantId, vars);
  const [limits, faq, tenantUsed, admission] = await Promise.all([
    limitsLoaded,
    faqCandidates(env, auth, request.message, courseId),
    tenantBudgetStub(env, auth.tenantId).usedToday(nowMs),
    limitsLoaded.then((l) =>
      deps.learner.admit({
        tenantId: auth.tenantId,
        userId: auth.userId,
        conversationId,
        create,
        title,
        limits: l,
        nowMs,
      }),
    ),
  ]);
  if (admission.kind === "not_found") throw notFound("No such conversation.");
  const tenantRemaining = Math.max(0, limits.tenantTokensPerDay - tenantUsed);
  if (tenantRemaining <= 0) {
    // Checked alongside the learner's admission for speed; the rare refusal undoes that admission.
    if (admission.kind === "ok") await deps.learner.cancelAdmission({ conversationId, created: create, nowMs });
    throw overBudget("tenant_daily_tokens", secondsUntilNextUtcDay(nowMs));
  }
  if (admission.kind === "over_budget") throw overBudget(admission.scope, admission.retryAfter);

  const begun = await conversationStub(env, auth.tenantId, conversationId).beginTurn({
    owner: conversationOwner(auth),
    create,
    conversationId,
    title,
    messageId: crypto.randomUUID(),
    content: request.message,
    at: nowIso(nowMs),
    windowSize: MODEL_WINDOW,
  });
  if (!begun) throw notFound("No such conversation.");
  return {
    deps,
    request,
    conversationId,
    limits,
    history: begun.history,
    turns: begun.turns,
    profile: admission.profile,
    remaining: Math.min(admission.remaining, tenantRemaining),
    faq,
  };
}

/** Asks the providers, streams through `onToken`, stores and charges the answer. */
export async function executeTurn(turn: PreparedTurn, onToken: (text: string) => void): Promise<ChatReply> {
  const { env, auth, vars } = turn.deps;
  const { message, pageContext } = turn.request;
  const providers = availableProviders(vars, aiRunnerFrom(env), turn.faq);
  const faqHit = matchFaq(message, turn.faq, 1)[0];
  // A question the FAQ answers well gets the institution's own answer, at no cost.
  const useFaq = turn.deps.preference === "auto" && isStrongFaqMatch(faqHit);
  const chain = useFaq
    ? [providers.offline]
    : providerChain(turn.deps.preference, providers, complexityScore(message, turn.turns), vars.COMPLEXITY_THRESHOLD);

  let sent = 0;
  const cappedOnToken = (text: string) => {
    if (sent >= ANSWER_CHAR_CAP) return;
    const piece = text.slice(0, ANSWER_CHAR_CAP - sent);
    sent += piece.length;
    onToken(piece);
  };
  const answer = await answerWithFallback(
    chain,
    {
      messages: buildMessages({ message, pageContext, profile: turn.profile, history: turn.history }),
      maxTokens: Math.max(1, Math.min(vars.AI_MAX_ANSWER_TOKENS, turn.remaining)),
      question: message,
      pageContent: pageContext?.pageContent,
      tenantId: auth.tenantId,
      courseId: pageContext?.courseId ?? auth.contextId,
    },
    cappedOnToken,
    { firstTokenMs: vars.AI_FIRST_TOKEN_TIMEOUT_MS, totalMs: vars.AI_TIMEOUT_MS },
  );
  if (answer.failures.length > 0) {
    createLogger({ service: "chat", tenantId: auth.tenantId }).warn("provider fallback", {
      failures: answer.failures,
      answeredBy: answer.provider,
    });
  }
  const text = answer.text.slice(0, ANSWER_CHAR_CAP);
  const tokens = answer.usage.inputTokens + answer.usage.outputTokens;
  const nowMs = Date.now();
  const at = nowIso(nowMs);
  const messageId = crypto.randomUUID();
  const finish: FinishTurn = {
    owner: conversationOwner(auth),
    messageId,
    content: text,
    provider: answer.provider,
    tokens,
    at,
  };
  const [stored, learnerUsage, tenantUsage] = await Promise.all([
    conversationStub(env, auth.tenantId, turn.conversationId).finishTurn(finish),
    turn.deps.learner.recordUsage({
      conversationId: turn.conversationId,
      tokens,
      limit: turn.limits.learnerTokensPerDay,
      nowMs,
    }),
    tokens > 0
      ? tenantBudgetStub(env, auth.tenantId).record(tokens, turn.limits.tenantTokensPerDay, nowMs)
      : Promise.resolve({ remaining: turn.remaining }),
  ]);
  if (!stored) throw new ApiError(409, "conversation_gone", "The conversation was deleted while answering.");
  turn.deps.waitUntil(
    sendChatEvent(env, {
      eventId: messageId,
      type: "chat_message",
      tenantId: auth.tenantId,
      userId: auth.userId,
      contextId: auth.contextId,
      at,
      conversationId: turn.conversationId,
      provider: answer.provider,
      tokens,
    }).catch((e) => createLogger({ service: "chat" }).warn("analytics unavailable", errorFields(e))),
  );
  return {
    conversationId: turn.conversationId,
    messageId,
    response: text,
    suggestions: followUpSuggestions(message, turn.faq, useFaq ? faqHit?.entry.id : undefined),
    provider: answer.provider,
    tokenUsage: { used: tokens, remaining: Math.min(learnerUsage.remaining, tenantUsage.remaining) },
  };
}
