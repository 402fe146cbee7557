import type { Citation } from "@atomic-guide/shared";

export const PROVIDER_NAMES = ["workers-ai", "external", "offline"] as const;
export type ProviderName = (typeof PROVIDER_NAMES)[number];

export interface ModelMessage {
  role: "system" | "user" | "assistant";
  content: string;
}

export interface ModelRequest {
  messages: ModelMessage[];
  maxTokens: number;
  /** The learner's question alone, for retrieval (the offline provider reads no prompt). */
  question: string;
  /**
   * The learner's question before this one in the conversation: what a follow-up the guide
   * offered ("Can you show me an example?") is about, for retrieval.
   */
  earlierQuestion?: string | undefined;
  /** The guide's answer to `earlierQuestion`: a practice problem it set is what a value offered now is for. */
  earlierAnswer?: string | undefined;
  pageContent?: string | undefined;
  /** The page's title as the learner sees it (`pageContext.pageTitle`). */
  pageTitle?: string | undefined;
  /** The block the learner is working in (`pageContext.elementId`): the exercise a question may be about. */
  elementId?: string | undefined;
  /** The quiz item's own text when `elementId` names an item inside a block (`pageFocus`). */
  elementText?: string | undefined;
  /** That item counts for a grade: help shows how, never works the item out. */
  graded?: boolean | undefined;
  tenantId: string;
  courseId?: string | undefined;
}

export interface TokenUsage {
  inputTokens: number;
  outputTokens: number;
}

export interface ProviderAnswer {
  text: string;
  usage: TokenUsage;
  /** The sources a retrieval answer quoted; model answers are cited by the turn. */
  citations?: Citation[] | undefined;
}

/**
 * One way to answer. `stream` calls `onToken` for each piece as it arrives and resolves with the
 * whole text and the usage the provider reported (estimated when it reports none). It rejects
 * on any failure, including `signal` aborting, so the router can move to the next provider.
 */
export interface ChatProvider {
  readonly name: ProviderName;
  stream(request: ModelRequest, onToken: (text: string) => void, signal: AbortSignal): Promise<ProviderAnswer>;
}

/** `silent`: no first token in time; `timeout`: the whole answer took too long. */
export type ProviderFailureReason = "error" | "timeout" | "silent" | "quota" | "unavailable";

/** A provider failure worth falling through for (error status, timeout, quota). */
export class ProviderError extends Error {
  override readonly name = "ProviderError";
  constructor(
    readonly provider: ProviderName,
    readonly reason: ProviderFailureReason,
    message: string,
  ) {
    super(message);
  }
}

/** Roughly four characters per token: used only when a provider reports no usage. */
export const estimateTokens = (text: string) => Math.ceil(text.length / 4);
