import { env } from "cloudflare:workers";
import { IsolateCache } from "@atomic-guide/shared/isolate-cache";
import { describe, expect, it } from "vitest";
import { chatEnvVars } from "../env-vars";
import { budgetKey, LIMITS_CACHE_TTL_MS, loadBudgetLimits, type TenantBudgetOverride } from "./limits";

describe("a tenant's limits cached in the isolate", () => {
  it("reads KV again once the TTL has passed, so an operator's change takes effect", async () => {
    let now = 5_000_000;
    const cache = new IsolateCache<TenantBudgetOverride>({ ttlMs: LIMITS_CACHE_TTL_MS, maxKeys: 10, now: () => now });
    const tenantId = `limits-${crypto.randomUUID()}`;
    const vars = chatEnvVars(env);
    await env.KNOWLEDGE.put(budgetKey(tenantId), JSON.stringify({ messagesPerMinute: 3 }));
    expect((await loadBudgetLimits(env.KNOWLEDGE, tenantId, vars, cache)).messagesPerMinute).toBe(3);
    await env.KNOWLEDGE.put(budgetKey(tenantId), JSON.stringify({ messagesPerMinute: 7 }));
    now += LIMITS_CACHE_TTL_MS - 1;
    expect((await loadBudgetLimits(env.KNOWLEDGE, tenantId, vars, cache)).messagesPerMinute).toBe(3);
    now += 1;
    expect((await loadBudgetLimits(env.KNOWLEDGE, tenantId, vars, cache)).messagesPerMinute).toBe(7);
  });

  it("keeps each tenant's own limits apart, defaults for a tenant without any", async () => {
    const cache = new IsolateCache<TenantBudgetOverride>({ ttlMs: LIMITS_CACHE_TTL_MS, maxKeys: 10 });
    const vars = chatEnvVars(env);
    const own = `limits-${crypto.randomUUID()}`;
    const other = `limits-${crypto.randomUUID()}`;
    await env.KNOWLEDGE.put(budgetKey(own), JSON.stringify({ tenantTokensPerDay: 42 }));
    expect((await loadBudgetLimits(env.KNOWLEDGE, own, vars, cache)).tenantTokensPerDay).toBe(42);
    expect((await loadBudgetLimits(env.KNOWLEDGE, other, vars, cache)).tenantTokensPerDay).toBe(
      vars.BUDGET_TENANT_TOKENS_PER_DAY,
    );
  });
});
