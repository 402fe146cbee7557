import type { LearnerProfile } from "@atomic-guide/shared";
import type { BudgetLimits } from "../budget/limits";
import type { BudgetScope } from "../budget/over-budget";

/** The learner object's answer to "may this turn start?". */
export type Admission =
  | { kind: "ok"; remaining: number; profile: LearnerProfile | undefined }
  | { kind: "not_found" }
  | { kind: "over_budget"; scope: BudgetScope; retryAfter: number };

export interface AdmitRequest {
  tenantId: string;
  userId: string;
  conversationId: string;
  create: boolean;
  title: string | null;
  limits: BudgetLimits;
  nowMs: number;
}

export interface RecordUsageRequest {
  conversationId: string;
  tokens: number;
  limit: number;
  nowMs: number;
}

export interface CancelAdmissionRequest {
  conversationId: string;
  created: boolean;
  nowMs: number;
}

/**
 * The learner's Durable Object as the turn pipeline needs it. The pipeline runs in the Worker
 * (HTTP, through a stub) and inside that very object (/ws/chat, which passes `this`), so the
 * shape lives here rather than in either of them.
 */
export interface LearnerGate {
  admit(request: AdmitRequest): Promise<Admission>;
  recordUsage(request: RecordUsageRequest): Promise<{ remaining: number }>;
  cancelAdmission(request: CancelAdmissionRequest): Promise<void>;
}
