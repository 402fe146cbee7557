import { DurableObject } from "cloudflare:workers";
import { ensureSchema } from "@atomic-guide/shared/do-schema";
import { secondsUntilNextUtcDay, utcDay } from "../budget/limits";
import type { TokenHold } from "../chat/learner-gate";

const USAGE_DDL = "CREATE TABLE IF NOT EXISTS usage_day (day TEXT PRIMARY KEY, tokens INTEGER NOT NULL)";

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
    ensureSchema(ctx.storage, "1", USAGE_DDL);
  }

  private used(day: string): number {
    const row = this.sql.exec<{ tokens: number }>("SELECT tokens FROM usage_day WHERE day = ?", day).toArray()[0];
    return row?.tokens ?? 0;
  }

  async usedToday(nowMs: number): Promise<number> {
    return this.used(utcDay(nowMs));
  }

  private add(day: string, tokens: number) {
    this.sql.exec(
      "INSERT INTO usage_day (day, tokens) VALUES (?, ?) ON CONFLICT (day) DO UPDATE SET tokens = MAX(0, tokens + excluded.tokens)",
      day,
      Math.round(tokens),
    );
  }

  /**
   * Holds up to `tokens` of what the tenant has left today, before a model is called; `null`
   * when nothing is left. Holds count as spent until `settle` replaces them by the real cost.
   */
  async reserve(tokens: number, limit: number, nowMs: number): Promise<TokenHold | null> {
    const day = utcDay(nowMs);
    const left = limit - this.used(day);
    if (left <= 0) return null;
    const reserved = Math.max(0, Math.min(Math.round(tokens), left));
    if (reserved > 0) this.add(day, reserved);
    return { reserved, day };
  }

  /** Charges `tokens` (never more than was held) in place of the hold; returns what is left. */
  async settle(hold: TokenHold, tokens: number, limit: number, nowMs: number): Promise<TenantBudgetState> {
    const charged = Math.max(0, Math.min(Math.round(tokens), hold.reserved));
    if (charged !== hold.reserved) this.add(hold.day, charged - hold.reserved);
    // Older days are kept for a week (operators ask "what did yesterday cost?"), then dropped.
    this.sql.exec("DELETE FROM usage_day WHERE day < ?", utcDay(nowMs - 7 * 86_400_000));
    return { remaining: Math.max(0, limit - this.used(utcDay(nowMs))), retryAfter: secondsUntilNextUtcDay(nowMs) };
  }

  /** Offboarding: forgets the tenant's counters; true when there were any. */
  async erase(): Promise<boolean> {
    const had = this.sql.exec<{ n: number }>("SELECT COUNT(*) AS n FROM usage_day").one().n > 0;
    await this.ctx.storage.deleteAll();
    ensureSchema(this.ctx.storage, "1", USAGE_DDL);
    return had;
  }
}
