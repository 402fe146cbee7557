import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { chatEnvVars } from "../env-vars";
import { aiDouble, externalCallsWith } from "../testing/doubles";
import { ask, learner } from "../testing/helpers";
import { complexityScore } from "./complexity";
import { availableProviders, providerChain } from "./fallback-chain";

const SIMPLE = "What does photosynthesis produce?";
const COMPLEX =
  "Can you prove step by step that the derivative of x^2 is 2x, and compare it with the integral of 2x? " +
  "Then explain why 3 * 4 = 12 relates to the area of a rectangle?";

describe("complexity", () => {
  it("scores short factual questions low and long multi-step math high", () => {
    const threshold = chatEnvVars(env).COMPLEXITY_THRESHOLD;
    expect(complexityScore(SIMPLE, 0)).toBeLessThan(threshold);
    expect(complexityScore(COMPLEX, 0)).toBeGreaterThanOrEqual(threshold);
    expect(
      complexityScore("```js\nfunction f() { return 1; }\n``` why does this return 1? step by step", 0),
    ).toBeGreaterThanOrEqual(threshold);
    expect(complexityScore("ok, and then?", 14)).toBeGreaterThan(complexityScore("ok, and then?", 0));
  });

  it("falls back to the offline provider alone when nothing is configured", () => {
    const bare = availableProviders({ ...chatEnvVars(env), EXTERNAL_AI_BASE_URL: "" }, undefined, []);
    expect(providerChain("auto", bare, 0.9, 0.5).map((p) => p.name)).toEqual(["offline"]);
    expect(providerChain("external", bare, 0.9, 0.5).map((p) => p.name)).toEqual(["offline"]);
  });
});

describe("provider routing (auto)", () => {
  it("sends simple questions to Workers AI with a current model, streaming", async () => {
    const marker = crypto.randomUUID();
    const reply = await ask(learner(), { message: `${SIMPLE} ${marker}` });
    expect(reply.provider).toBe("workers-ai");
    expect(reply.response).toBe("Workers AI answer.");
    const [call] = await aiDouble().callsWith(marker);
    expect(call?.model).toBe("@cf/meta/llama-3.1-8b-instruct-fast");
    expect(call?.input.stream).toBe(true);
    expect(call?.input.max_tokens).toBeLessThanOrEqual(600);
  });

  it("parses OpenAI-style delta chunks from newer Workers AI models", async () => {
    const reply = await ask(learner(), { message: `${SIMPLE} [[ai:openai]]` });
    expect(reply.provider).toBe("workers-ai");
    expect(reply.response).toBe("OpenAI-style chunks.");
    expect(reply.tokenUsage.used).toBe(35);
  });

  it("sends complex questions to the external API, with its key", async () => {
    const marker = crypto.randomUUID();
    const reply = await ask(learner(), { message: `${COMPLEX} ${marker}` });
    expect(reply.provider).toBe("external");
    expect(reply.response).toBe("External model answer.");
    expect(reply.tokenUsage.used).toBe(70);
    const [call] = await externalCallsWith(marker);
    expect(call?.authorization).toBe("Bearer test-external-key");
    expect(call?.body.stream).toBe(true);
    expect(await aiDouble().callsWith(marker)).toEqual([]);
  });
});

describe("fallback chain", () => {
  it("moves from a failing external API (500) to Workers AI", async () => {
    const reply = await ask(learner(), { message: `${COMPLEX} [[ext:500]]` });
    expect(reply.provider).toBe("workers-ai");
  });

  it("moves from an external API out of quota (429) to Workers AI", async () => {
    const reply = await ask(learner(), { message: `${COMPLEX} [[ext:429]]` });
    expect(reply.provider).toBe("workers-ai");
  });

  it("moves from a hanging external API to Workers AI after the first-token timeout", async () => {
    const reply = await ask(learner(), { message: `${COMPLEX} [[ext:hang]]` });
    expect(reply.provider).toBe("workers-ai");
  });

  it("moves from a saturated Workers AI to the external API", async () => {
    const reply = await ask(learner(), { message: `${SIMPLE} [[ai:fail]]` });
    expect(reply.provider).toBe("external");
  });

  it("moves from a silent Workers AI stream to the external API", async () => {
    const reply = await ask(learner(), { message: `${SIMPLE} [[ai:hang]]` });
    expect(reply.provider).toBe("external");
  });

  it("keeps a partial answer, marked as cut short, instead of splicing in another provider's", async () => {
    const marker = crypto.randomUUID();
    const reply = await ask(learner(), { message: `${SIMPLE} [[ai:cut]] ${marker}` });
    expect(reply.provider).toBe("workers-ai");
    expect(reply.response).toBe("Partial \n\n[The answer was cut short.]");
    expect(await externalCallsWith(marker)).toEqual([]);
  });

  it("answers offline, labelled, when every model fails, and charges nothing", async () => {
    const reply = await ask(learner(), {
      message: `${SIMPLE} [[ai:fail]] [[ext:500]]`,
      pageContext: { pageContent: "Photosynthesis produces glucose and oxygen from light, water and carbon dioxide." },
    });
    expect(reply.provider).toBe("offline");
    expect(reply.response).toMatch(/^Offline answer from this page/);
    expect(reply.response).toContain("glucose and oxygen");
    expect(reply.tokenUsage.used).toBe(0);
  });
});

describe("tenant aiProvider override (X-Atomic-Ai-Provider)", () => {
  it("uses Workers AI for a complex question when the tenant chose it", async () => {
    const marker = crypto.randomUUID();
    const reply = await ask(learner(), { message: `${COMPLEX} ${marker}` }, { provider: "workers-ai" });
    expect(reply.provider).toBe("workers-ai");
    expect(await externalCallsWith(marker)).toEqual([]);
  });

  it("uses the external API for a simple question when the tenant chose it", async () => {
    const reply = await ask(learner(), { message: SIMPLE }, { provider: "external" });
    expect(reply.provider).toBe("external");
  });

  it("never falls through to another vendor than the chosen one, only to offline", async () => {
    const marker = crypto.randomUUID();
    const reply = await ask(learner(), { message: `${SIMPLE} [[ext:500]] ${marker}` }, { provider: "external" });
    expect(reply.provider).toBe("offline");
    expect(await aiDouble().callsWith(marker)).toEqual([]);
  });

  it("calls no model at all when the tenant chose offline", async () => {
    const marker = crypto.randomUUID();
    const reply = await ask(learner(), { message: `${COMPLEX} ${marker}` }, { provider: "offline" });
    expect(reply.provider).toBe("offline");
    expect(await aiDouble().callsWith(marker)).toEqual([]);
    expect(await externalCallsWith(marker)).toEqual([]);
  });
});
