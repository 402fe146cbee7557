import * as v from "valibot";
import { collectStream, estimatedUsage } from "./stream-answer";
import { type ChatProvider, type ModelRequest, ProviderError } from "./types";

/** The slice of the Workers AI binding chat uses; tests bind a double with the same shape. */
export interface AiRunner {
  run(model: string, input: Record<string, unknown>, options?: Record<string, unknown>): Promise<unknown>;
}

export function aiRunnerFrom(env: { AI?: unknown }): AiRunner | undefined {
  const ai = env.AI as Partial<AiRunner> | undefined;
  return ai && typeof ai.run === "function" ? (ai as AiRunner) : undefined;
}

const NonStreamedSchema = v.object({
  response: v.string(),
  usage: v.optional(v.object({ prompt_tokens: v.number(), completion_tokens: v.number() })),
});

/** Workers AI's capacity and quota errors carry these codes (3040 capacity, 4006 daily neurons). */
const QUOTA_PATTERN = /\b(3040|4006|429)\b|capacity|quota|neurons/i;

export function workersAiProvider(ai: AiRunner, model: string): ChatProvider {
  return {
    name: "workers-ai",
    async stream(request: ModelRequest, onToken, signal) {
      let result: unknown;
      try {
        result = await ai.run(
          model,
          { messages: request.messages, max_tokens: request.maxTokens, stream: true },
          // Fail fast when the model is saturated so the next provider answers instead of queueing.
          { rejectIfBusy: true },
        );
      } catch (e) {
        const message = e instanceof Error ? e.message : String(e);
        throw new ProviderError("workers-ai", QUOTA_PATTERN.test(message) ? "quota" : "error", message);
      }
      if (result instanceof ReadableStream) {
        return collectStream("workers-ai", result as ReadableStream<Uint8Array>, request, onToken, signal);
      }
      const parsed = v.safeParse(NonStreamedSchema, result);
      if (!parsed.success || !parsed.output.response) {
        throw new ProviderError("workers-ai", "error", "unexpected Workers AI result");
      }
      onToken(parsed.output.response);
      const usage = parsed.output.usage;
      return {
        text: parsed.output.response,
        usage: usage
          ? { inputTokens: usage.prompt_tokens, outputTokens: usage.completion_tokens }
          : estimatedUsage(request, parsed.output.response),
      };
    },
  };
}
