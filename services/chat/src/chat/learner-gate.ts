import type { LearnerProfile } from "@atomic-guide/shared";
import type { KnownRetention } from "@atomic-guide/shared/learner-retention/idle-expiry";
import type { BudgetLimits } from "../budget/limits";
import type { BudgetScope } from "../budget/over-budget";
import type { ConversationWindow, WindowTicket } from "../do/conversation-window";

/**
 * Tokens held back for a turn before any model is called, so concurrent turns cannot together
 * spend more than the budget. `day` is the UTC day the hold was taken on (settled on that day).
 */
export interface TokenHold {
  reserved: number;
  day: string;
}

/** The learner object's answer to "may this turn start?". */
export type Admission =
  | ({
      kind: "ok";
      profile: LearnerProfile | undefined;
      /** The tenant's retention as the learner's object last read it; a new conversation takes it over. */
      retention?: KnownRetention | undefined;
      /** The learner's copy of the conversation's window, when it stands in for the conversation's object. */
      window?: ConversationWindow | undefined;
      windowTicket: WindowTicket;
    } & TokenHold)
  | { kind: "not_found" }
  | { kind: "over_budget"; scope: BudgetScope; retryAfter: number };

/** The most a turn can spend: `fixed` plus `perEarlierMessage` for each earlier message the model sees. */
export interface TurnMaximum {
  fixed: number;
  perEarlierMessage: number;
  window: number;
}

export interface AdmitRequest {
  tenantId: string;
  userId: string;
  conversationId: string;
  create: boolean;
  title: string | null;
  limits: BudgetLimits;
  /** Zero when no model will be asked (the offline provider costs nothing). */
  maximum: TurnMaximum;
  nowMs: number;
}

export interface SettleRequest extends TokenHold {
  /** The conversation the turn added two messages to; absent for help texts. */
  conversationId?: string | undefined;
  /** The window after this turn for the learner's copy (see conversation-window.ts); no `next` clears it. */
  window?: { conversationId: string; ticket: WindowTicket; next?: ConversationWindow | undefined } | undefined;
  /** What the provider reported; more than was reserved is not charged (see docs/chat.md). */
  tokens: number;
  limit: number;
  nowMs: number;
}

export interface CancelAdmissionRequest extends TokenHold {
  conversationId: string;
  windowTicket: WindowTicket;
  created: boolean;
  nowMs: number;
}

export interface ReserveRequest {
  tokens: number;
  limit: number;
  nowMs: number;
}

/**
 * The learner's Durable Object as the turn pipeline needs it. The pipeline runs in the Worker
 * (HTTP, through a stub) and inside that very object (/ws/chat, which passes `this`), so the
 * shape lives here rather than in either of them.
 */
export interface LearnerGate {
  admit(request: AdmitRequest): Promise<Admission>;
  /** A hold with no conversation (help texts); `null` when the daily budget is spent. */
  reserve(request: ReserveRequest): Promise<TokenHold | null>;
  settle(request: SettleRequest): Promise<{ charged: number; remaining: number }>;
  cancelAdmission(request: CancelAdmissionRequest): Promise<void>;
}
