import { DurableObject } from "cloudflare:workers";
import { secondsUntilNextUtcDay, utcDay } from "../budget/limits";

export interface TenantBudgetState {
  remaining: number;
  /** Seconds until the budget resets; meaningful when `remaining` is 0. */
  retryAfter: number;
}

/** One per tenant (`idFromName(tenantId)`): the tenant's tokens used per UTC day. */
export class ChatTenantBudgetDO extends DurableObject<Env> {
  private readonly sql: SqlStorage;

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    this.sql = ctx.storage.sql;
    this.sql.exec("CREATE TABLE IF NOT EXISTS usage_day (day TEXT PRIMARY KEY, tokens INTEGER NOT NULL)");
  }

  private used(day: string): number {
    const row = this.sql.exec<{ tokens: number }>("SELECT tokens FROM usage_day WHERE day = ?", day).toArray()[0];
    return row?.tokens ?? 0;
  }

  async usedToday(nowMs: number): Promise<number> {
    return this.used(utcDay(nowMs));
  }

  async check(limit: number, nowMs: number): Promise<TenantBudgetState> {
    return { remaining: Math.max(0, limit - this.used(utcDay(nowMs))), retryAfter: secondsUntilNextUtcDay(nowMs) };
  }

  async record(tokens: number, limit: number, nowMs: number): Promise<TenantBudgetState> {
    const day = utcDay(nowMs);
    this.sql.exec(
      "INSERT INTO usage_day (day, tokens) VALUES (?, ?) ON CONFLICT (day) DO UPDATE SET tokens = tokens + excluded.tokens",
      day,
      Math.max(0, Math.round(tokens)),
    );
    // Older days are kept for a week (operators ask "what did yesterday cost?"), then dropped.
    this.sql.exec("DELETE FROM usage_day WHERE day < ?", utcDay(nowMs - 7 * 86_400_000));
    return this.check(limit, nowMs);
  }
}
