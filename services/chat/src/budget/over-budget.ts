import { ApiError } from "@atomic-guide/shared";

export type BudgetScope = "learner_daily_tokens" | "tenant_daily_tokens" | "learner_messages_per_minute";

const MESSAGES: Record<BudgetScope, string> = {
  learner_daily_tokens: "You have used today's chat allowance. It resets at midnight UTC.",
  tenant_daily_tokens: "Your institution has used today's chat allowance. It resets at midnight UTC.",
  learner_messages_per_minute: "You are sending messages too quickly. Please wait a moment.",
};

/** 429 with Retry-After; nothing was stored or charged when this is thrown. */
export const overBudget = (scope: BudgetScope, retryAfterSeconds: number) =>
  new ApiError(429, "rate_limited", MESSAGES[scope], { "Retry-After": String(retryAfterSeconds) });
