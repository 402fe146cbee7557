import { parseChunk, sseDataBatches } from "./sse";
import { estimateTokens, type ModelRequest, type ProviderAnswer, ProviderError, type ProviderName } from "./types";

/**
 * Reads an SSE body of answer chunks to the end, forwarding text as it comes. The chunks of one
 * read are forwarded in one synchronous run, which lets the learner's stream write them at once.
 */
export async function collectStream(
  provider: ProviderName,
  body: ReadableStream<Uint8Array>,
  request: ModelRequest,
  onToken: (text: string) => void,
  signal: AbortSignal,
): Promise<ProviderAnswer> {
  let text = "";
  let usage: ProviderAnswer["usage"] | undefined;
  for await (const payloads of sseDataBatches(body, signal)) {
    for (const payload of payloads) {
      const chunk = parseChunk(payload);
      if (!chunk) continue;
      if (chunk.error) throw new ProviderError(provider, "error", "the stream reported an error");
      if (chunk.usage) usage = chunk.usage;
      if (chunk.text) {
        text += chunk.text;
        onToken(chunk.text);
      }
    }
  }
  if (!text) throw new ProviderError(provider, "error", "the stream ended without an answer");
  return { text, usage: usage ?? estimatedUsage(request, text) };
}

export function estimatedUsage(request: ModelRequest, text: string): ProviderAnswer["usage"] {
  return {
    inputTokens: request.messages.reduce((n, m) => n + estimateTokens(m.content), 0),
    outputTokens: estimateTokens(text),
  };
}
