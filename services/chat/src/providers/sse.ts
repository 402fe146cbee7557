import * as v from "valibot";
import type { TokenUsage } from "./types";

/** Splits a server-sent-event byte stream into `data:` payloads (multi-line data joined). */
export async function* sseData(body: ReadableStream<Uint8Array>, signal: AbortSignal): AsyncGenerator<string> {
  const reader = body.pipeThrough(new TextDecoderStream()).getReader();
  const onAbort = () => void reader.cancel().catch(() => undefined);
  signal.addEventListener("abort", onAbort, { once: true });
  let buffer = "";
  let data: string[] = [];
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (signal.aborted) throw signal.reason ?? new Error("aborted");
      if (done) break;
      buffer += value;
      let newline = buffer.indexOf("\n");
      while (newline >= 0) {
        const line = buffer.slice(0, newline).replace(/\r$/, "");
        buffer = buffer.slice(newline + 1);
        if (line === "") {
          if (data.length > 0) yield data.join("\n");
          data = [];
        } else if (line.startsWith("data:")) {
          data.push(line.slice(5).replace(/^ /, ""));
        }
        newline = buffer.indexOf("\n");
      }
    }
    if (buffer.startsWith("data:")) data.push(buffer.slice(5).replace(/^ /, ""));
    if (data.length > 0) yield data.join("\n");
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
