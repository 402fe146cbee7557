import { DurableObject } from "cloudflare:workers";
import {
  ensureToolKeyUnlocked,
  maintainToolKeysUnlocked,
  rewrapToolKeysUnlocked,
  rotateToolKeyUnlocked,
} from "../keys/rotation";

/**
 * The one place tool keys are created, rotated, re-wrapped and retired. The key index is a
 * read-modify-write of one KV record; run from an admin request and the daily cron at once, two
 * writers would each drop the other's key. Every operation here runs inside
 * blockConcurrencyWhile, so they happen one after another, whoever calls.
 */
export class ToolKeysDurableObject extends DurableObject<Env> {
  ensure(): Promise<void> {
    return this.ctx.blockConcurrencyWhile(() => ensureToolKeyUnlocked(this.env));
  }

  rotate(now: number): Promise<{ kid: string; retired: string[] }> {
    return this.ctx.blockConcurrencyWhile(() => rotateToolKeyUnlocked(this.env, now));
  }

  maintain(now: number): Promise<{ rotated: boolean; removed: string[]; rewrapped: number }> {
    return this.ctx.blockConcurrencyWhile(() => maintainToolKeysUnlocked(this.env, now));
  }

  rewrap(): Promise<number> {
    return this.ctx.blockConcurrencyWhile(() => rewrapToolKeysUnlocked(this.env));
  }
}
