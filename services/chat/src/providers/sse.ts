import { createParser } from "eventsource-parser";
import * as v from "valibot";
import type { TokenUsage } from "./types";

/**
 * The `data` payloads of a server-sent-event byte stream, one array per read of the body (the
 * events that arrived together), in order; stops when `signal` aborts. One decoder and one parser
 * fed straight from the reader: a chain of transform streams cost a promise hop per stage for
 * every token the model sent.
 */
export async function* sseDataBatches(body: ReadableStream<Uint8Array>, signal: AbortSignal): AsyncGenerator<string[]> {
  const reader = body.getReader();
  const decoder = new TextDecoder();
  let batch: string[] = [];
  const parser = createParser({ onEvent: (event) => batch.push(event.data) });
  const onAbort = () => void reader.cancel().catch(() => undefined);
  signal.addEventListener("abort", onAbort, { once: true });
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (signal.aborted) throw signal.reason ?? new Error("aborted");
      // A server that closes the stream without the blank line after its last event still meant
      // it: terminating the text at the end dispatches that event instead of dropping it.
      parser.feed(done ? `${decoder.decode()}\n\n` : decoder.decode(value, { stream: true }));
      if (batch.length > 0) {
        const ready = batch;
        batch = [];
        yield ready;
      }
      if (done) return;
    }
  } finally {
    signal.removeEventListener("abort", onAbort);
    reader.releaseLock();
  }
}

const UsageSchema = v.object({
  prompt_tokens: v.optional(v.number()),
  completion_tokens: v.optional(v.number()),
});

/**
 * One streamed chunk, in either shape Workers AI and OpenAI-compatible servers use: classic
 * `{"response": "..."}` or OpenAI-style `{"choices": [{"delta": {"content": "..."}}]}`; either
 * may carry `usage` (usually on the last chunk).
 */
const ChunkSchema = v.object({
  response: v.optional(v.nullable(v.string())),
  choices: v.optional(
    v.array(
      v.object({
        delta: v.optional(v.object({ content: v.optional(v.nullable(v.string())) })),
        message: v.optional(v.object({ content: v.optional(v.nullable(v.string())) })),
      }),
    ),
  ),
  usage: v.optional(v.nullable(UsageSchema)),
  error: v.optional(v.unknown()),
});

export interface ParsedChunk {
  text: string;
  usage?: TokenUsage | undefined;
  error?: boolean;
}

/** `null` for `[DONE]` or a payload that is not a chunk at all (ignored, like comments). */
export function parseChunk(payload: string): ParsedChunk | null {
  if (payload === "[DONE]") return null;
  let json: unknown;
  try {
    json = JSON.parse(payload);
  } catch {
    return null;
  }
  const result = v.safeParse(ChunkSchema, json);
  if (!result.success) return null;
  const chunk = result.output;
  const choice = chunk.choices?.[0];
  const text = chunk.response ?? choice?.delta?.content ?? choice?.message?.content ?? "";
  const usage = chunk.usage
    ? { inputTokens: chunk.usage.prompt_tokens ?? 0, outputTokens: chunk.usage.completion_tokens ?? 0 }
    : undefined;
  return { text, usage, error: chunk.error !== undefined };
}
