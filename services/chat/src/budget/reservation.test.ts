import { runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import type { IdleExpiry } from "@atomic-guide/shared/learner-retention/idle-expiry";
import { describe, expect, it, vi } from "vitest";
import { learnerStub, tenantBudgetStub } from "../do/stubs";
import { call, learner } from "../testing/helpers";
import { budgetKey } from "./limits";

const turn = (me: ReturnType<typeof learner>, message: string) =>
  call(me, "POST", "/api/chat/message", { message }, { provider: "workers-ai" });

describe("budget holds", () => {
  it("never lets concurrent turns spend more than the learner's daily budget", async () => {
    const me = learner();
    // The Workers AI double reports 50 tokens a turn: without holds, all six would be admitted.
    await env.KNOWLEDGE.put(
      budgetKey(me.tenantId),
      JSON.stringify({ learnerTokensPerDay: 120, messagesPerMinute: 50 }),
    );
    const replies = await Promise.all(Array.from({ length: 6 }, (_, i) => turn(me, `Question ${i}?`)));
    const answered = replies.filter((r) => r.status === 200);
    const bodies = await Promise.all(answered.map((r) => r.json<{ provider: string; tokenUsage: { used: number } }>()));
    // An offline fallback costs nothing and would admit every turn: the budget is only tested if the model answered.
    expect(bodies.map((b) => b.provider)).toEqual(bodies.map(() => "workers-ai"));
    const spent = bodies.reduce((n, r) => n + r.tokenUsage.used, 0);
    expect(await learnerStub(env, me).tokensUsedToday(Date.now())).toBe(spent);
    expect(spent).toBeLessThanOrEqual(120);
    expect(replies.filter((r) => r.status === 429).length).toBeGreaterThan(0);
  });

  it("never lets concurrent turns of several learners spend more than the tenant's budget", async () => {
    const first = learner();
    await env.KNOWLEDGE.put(budgetKey(first.tenantId), JSON.stringify({ tenantTokensPerDay: 150 }));
    const learners = Array.from({ length: 6 }, (_, i) => ({ ...first, userId: `learner-${i}` }));
    const replies = await Promise.all(learners.map((me, i) => turn(me, `Question ${i}?`)));
    const spent = (
      await Promise.all(replies.filter((r) => r.status === 200).map((r) => r.json<{ tokenUsage: { used: number } }>()))
    ).reduce((n, r) => n + r.tokenUsage.used, 0);
    expect(await tenantBudgetStub(env, first.tenantId).usedToday(Date.now())).toBe(spent);
    expect(spent).toBeLessThanOrEqual(150);
    expect(replies.filter((r) => r.status === 429).length).toBeGreaterThan(0);
  });

  it("holds in the same step as the budget check, so turns arriving while one waits are refused", async () => {
    const me = learner();
    const stub = learnerStub(env, me);
    // The admission's one wait (the retention mark, a KV read for a new learner) is held open
    // here until every turn has either reached it or been answered: the widest window there is.
    let release = () => {};
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    const seen = { waiting: 0, answered: 0 };
    await runInDurableObject(stub, (instance) => {
      const expiry = (instance as unknown as { expiry: IdleExpiry }).expiry;
      const noteActivity = expiry.noteActivity.bind(expiry);
      expiry.noteActivity = async (...args) => {
        seen.waiting++;
        await gate;
        return noteActivity(...args);
      };
    });
    const limits = { learnerTokensPerDay: 120, tenantTokensPerDay: 1_000_000, messagesPerMinute: 50 };
    const admissions = Promise.all(
      Array.from({ length: 6 }, () =>
        stub
          .admit({
            tenantId: me.tenantId,
            userId: me.userId,
            conversationId: crypto.randomUUID(),
            create: true,
            title: null,
            limits,
            maximum: { fixed: 1_000, perEarlierMessage: 0, window: 0 },
            nowMs: Date.now(),
          })
          .finally(() => seen.answered++),
      ),
    );
    await vi.waitUntil(() => seen.waiting + seen.answered === 6, { timeout: 20_000, interval: 10 });
    release();
    const held = (await admissions).map((a) => (a.kind === "ok" ? a.reserved : a.kind));
    expect(held.sort()).toEqual([120, "over_budget", "over_budget", "over_budget", "over_budget", "over_budget"]);
  });
});
