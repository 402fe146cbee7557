import { describe, expect, it } from "vitest";
import { answerWithFallback } from "../providers/fallback-chain";
import { offlineProvider } from "../providers/offline";
import type { ChatProvider } from "../providers/types";
import { aiDouble } from "../testing/doubles";
import { ask, learner } from "../testing/helpers";

describe("conversation history", () => {
  it("reaches the model with the next question, oldest first", async () => {
    const me = learner();
    const marker = crypto.randomUUID();
    const first = await ask(me, { message: "What is a prime number?" }, { provider: "workers-ai" });
    await ask(me, { conversationId: first.conversationId, message: `And 7? ${marker}` }, { provider: "workers-ai" });
    const [call] = await aiDouble().callsWith(marker);
    const earlier = (call?.input.messages ?? []).filter((m) => m.role !== "system").slice(0, -1);
    expect(earlier).toEqual([
      { role: "user", content: "What is a prime number?" },
      { role: "assistant", content: first.response },
    ]);
  });
});

describe("the silent-model timer", () => {
  it("gives up on a provider that sends no first token, naming that as the reason", async () => {
    const silent: ChatProvider = {
      name: "workers-ai",
      stream: (_request, _onToken, signal) =>
        new Promise((_, reject) => signal.addEventListener("abort", () => reject(signal.reason), { once: true })),
    };
    const answer = await answerWithFallback(
      [silent, offlineProvider([])],
      { messages: [], maxTokens: 10, question: "anything", tenantId: "t" },
      () => undefined,
      // The total timer is far away: only the first-token timer can end this attempt in time.
      { firstTokenMs: 20, totalMs: 3_600_000 },
    );
    expect(answer.provider).toBe("offline");
    expect(answer.failures).toEqual([{ provider: "workers-ai", reason: "silent" }]);
  });
});
