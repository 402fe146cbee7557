import { IsolateCache } from "@atomic-guide/shared/isolate-cache";
import { readKvJson } from "@atomic-guide/shared/kv-json";
import * as v from "valibot";
import type { ChatEnvVars } from "../env-vars";

const limit = v.pipe(v.number(), v.integer(), v.minValue(0), v.maxValue(1_000_000_000));

/** A tenant's own limits, JSON in KV KNOWLEDGE under `budget:<tenantId>`; absent keys take the defaults. */
export const TenantBudgetOverrideSchema = v.partial(
  v.object({ learnerTokensPerDay: limit, tenantTokensPerDay: limit, messagesPerMinute: limit }),
);

export type BudgetLimits = Required<v.InferOutput<typeof TenantBudgetOverrideSchema>>;

export const budgetKey = (tenantId: string) => `budget:${tenantId}`;

export type TenantBudgetOverride = v.InferOutput<typeof TenantBudgetOverrideSchema>;

/**
 * How long an isolate keeps a tenant's limits before reading KV again. Operators write them to
 * KV directly (no Worker sees the change), and KV itself serves them up to 60 s stale
 * (`cacheTtl`), so a limit change takes effect within about a minute and a half at worst.
 */
export const LIMITS_CACHE_TTL_MS = 30_000;

/** Tenants' own limits per isolate: every chat turn needs them before its holds are taken. */
export const tenantLimitsCache = new IsolateCache<TenantBudgetOverride>({ ttlMs: LIMITS_CACHE_TTL_MS, maxKeys: 1000 });

export async function loadBudgetLimits(
  kv: KVNamespace,
  tenantId: string,
  vars: ChatEnvVars,
  cache = tenantLimitsCache,
): Promise<BudgetLimits> {
  const own = await cache.getOrLoad(
    tenantId,
    async () => (await readKvJson(kv, budgetKey(tenantId), TenantBudgetOverrideSchema, 60)) ?? {},
  );
  return {
    learnerTokensPerDay: own.learnerTokensPerDay ?? vars.BUDGET_LEARNER_TOKENS_PER_DAY,
    tenantTokensPerDay: own.tenantTokensPerDay ?? vars.BUDGET_TENANT_TOKENS_PER_DAY,
    messagesPerMinute: own.messagesPerMinute ?? vars.BUDGET_MESSAGES_PER_MINUTE,
  };
}

/** Daily budgets reset at 00:00 UTC. */
export const utcDay = (ms: number) => new Date(ms).toISOString().slice(0, 10);

export function secondsUntilNextUtcDay(ms: number): number {
  const next = new Date(ms);
  next.setUTCHours(24, 0, 0, 0);
  return Math.max(1, Math.ceil((next.getTime() - ms) / 1000));
}
