import { notFound } from "@atomic-guide/shared";
import { type BudgetLimits, secondsUntilNextUtcDay } from "../budget/limits";
import { overBudget } from "../budget/over-budget";
import { tenantBudgetStub } from "../do/stubs";
import type { Admission, TokenHold, TurnMaximum } from "./learner-gate";
import type { TurnDeps } from "./turn";

/** The tenant's hold for a turn; earlier messages are counted at the window's full size. */
export function tenantHold(env: Env, tenantId: string, maximum: TurnMaximum, limits: BudgetLimits, nowMs: number) {
  const tokens = maximum.fixed + maximum.perEarlierMessage * maximum.window;
  return tenantBudgetStub(env, tenantId).reserve(tokens, limits.tenantTokensPerDay, nowMs);
}

/**
 * A refused turn gives back what the other budget already held and undoes the learner's
 * admission, then names the refusal: 404 for an unknown conversation, 429 for a budget.
 */
export async function refuseAndRelease(refusal: {
  deps: TurnDeps;
  admission: Admission;
  tenant: TokenHold | null;
  conversationId: string;
  created: boolean;
  nowMs: number;
}): Promise<Error> {
  const { deps, admission, tenant, nowMs } = refusal;
  if (tenant !== null && tenant.reserved > 0) {
    await tenantBudgetStub(deps.env, deps.auth.tenantId).settle(tenant, 0, Number.MAX_SAFE_INTEGER, nowMs);
  }
  if (admission.kind === "ok") {
    await deps.learner.cancelAdmission({
      conversationId: refusal.conversationId,
      created: refusal.created,
      nowMs,
      reserved: admission.reserved,
      day: admission.day,
      windowTicket: admission.windowTicket,
    });
  }
  if (admission.kind === "not_found") return notFound("No such conversation.");
  if (admission.kind === "over_budget") return overBudget(admission.scope, admission.retryAfter);
  return overBudget("tenant_daily_tokens", secondsUntilNextUtcDay(nowMs));
}
