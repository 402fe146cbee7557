import { type AuthContext, type Citation, createLogger } from "@atomic-guide/shared";
import type { ChatEnvVars } from "../env-vars";
import { citeSources } from "../knowledge/cite";
import type { FaqEntry, FaqMatch } from "../knowledge/faq";
import { pageBlocks } from "../knowledge/page-blocks";
import { pageFocus } from "../knowledge/page-focus";
import { pseudonymized } from "../privacy/pseudonymized-provider";
import { Pseudonyms } from "../privacy/pseudonyms";
import { answerWithFallback, availableProviders, type ProviderPreference } from "../providers/fallback-chain";
import type { ChatProvider, ModelMessage, ProviderName } from "../providers/types";
import { aiRunnerFrom } from "../providers/workers-ai";
import { guardGradedOutput } from "./graded-guard";
import { ANSWER_CHAR_CAP } from "./prompt";

export interface GroundedRequest {
  env: Env;
  vars: ChatEnvVars;
  auth: AuthContext;
  faq: readonly FaqEntry[];
  /** The providers to try, by name, in order (see `providerChain`). */
  chain: (providers: ReturnType<typeof availableProviders>) => ChatProvider[];
  messages: ModelMessage[];
  /** What retrieval looks for: the learner's question, or the help text's subject. */
  question: string;
  /** The learner's previous question in the conversation (see ModelRequest). */
  earlierQuestion?: string | undefined;
  earlierAnswer?: string | undefined;
  pageContent?: string | undefined;
  pageTitle?: string | undefined;
  elementId?: string | undefined;
  elementText?: string | undefined;
  graded?: boolean | undefined;
  /** FAQ entries the model was shown, for citations. */
  faqShown: readonly FaqMatch[];
  maxTokens: number;
  onToken(text: string): void;
}

export interface GroundedAnswer {
  text: string;
  provider: ProviderName;
  tokens: number;
  citations: Citation[];
  /** The graded-item guard replaced the provider's output with a hint. */
  withheld: boolean;
}

/** Every provider but the offline one runs outside this Worker, so it sees placeholders only. */
export function guardedProviders(vars: ChatEnvVars, env: Env, auth: AuthContext, faq: readonly FaqEntry[]) {
  const providers = availableProviders(vars, aiRunnerFrom(env), faq);
  const pseudonyms = new Pseudonyms({ name: auth.name, userId: auth.userId });
  if (providers["workers-ai"]) providers["workers-ai"] = pseudonymized(providers["workers-ai"], pseudonyms);
  if (providers.external) providers.external = pseudonymized(providers.external, pseudonyms);
  return providers;
}

/**
 * Asks the providers in turn and returns the answer with its citations. On a graded item the
 * output is held back until the guard has checked it, since a streamed answer cannot be unsaid.
 */
export async function groundedAnswer(request: GroundedRequest): Promise<GroundedAnswer> {
  const { vars, auth } = request;
  const chain = request.chain(guardedProviders(vars, request.env, auth, request.faq));
  let sent = 0;
  const cappedOnToken = (text: string) => {
    if (sent >= ANSWER_CHAR_CAP) return;
    const piece = text.slice(0, ANSWER_CHAR_CAP - sent);
    sent += piece.length;
    request.onToken(piece);
  };
  const answer = await answerWithFallback(
    chain,
    {
      messages: request.messages,
      maxTokens: request.maxTokens,
      question: request.question,
      earlierQuestion: request.earlierQuestion,
      earlierAnswer: request.earlierAnswer,
      pageContent: request.pageContent,
      pageTitle: request.pageTitle,
      elementId: request.elementId,
      elementText: request.elementText,
      graded: request.graded,
      tenantId: auth.tenantId,
      courseId: auth.contextId,
    },
    request.graded ? () => undefined : cappedOnToken,
    { firstTokenMs: vars.AI_FIRST_TOKEN_TIMEOUT_MS, totalMs: vars.AI_TIMEOUT_MS },
  );
  if (answer.failures.length > 0) {
    createLogger({ service: "chat", tenantId: auth.tenantId }).warn("provider fallback", {
      failures: answer.failures,
      answeredBy: answer.provider,
    });
  }
  const blocks = pageBlocks(request.pageContent);
  let text = answer.text.slice(0, ANSWER_CHAR_CAP);
  let withheld = false;
  if (request.graded) {
    const item = pageFocus(blocks, request.elementId, request.elementText)?.text ?? request.question;
    const guarded = guardGradedOutput(text, `${item}\n${request.question}`);
    text = guarded.text;
    withheld = guarded.replaced;
    cappedOnToken(text);
  }
  const citations = answer.citations ?? citeSources(request.question, text, blocks, request.faqShown);
  return {
    text,
    provider: answer.provider,
    tokens: answer.usage.inputTokens + answer.usage.outputTokens,
    citations,
    withheld,
  };
}

export type { ProviderPreference };
