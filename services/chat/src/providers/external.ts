import { collectStream } from "./stream-answer";
import { type ChatProvider, type ModelRequest, ProviderError } from "./types";

export interface ExternalSettings {
  baseUrl: string;
  model: string;
  apiKey?: string | undefined;
}

/**
 * Any OpenAI-compatible chat completions server: OpenAI itself, or a local Ollama
 * (`http://localhost:11434/v1`) or llama.cpp server, which need no key.
 */
export function externalProvider(settings: ExternalSettings): ChatProvider {
  const url = `${settings.baseUrl.replace(/\/+$/, "")}/chat/completions`;
  return {
    name: "external",
    async stream(request: ModelRequest, onToken, signal) {
      const headers: Record<string, string> = { "content-type": "application/json", accept: "text/event-stream" };
      if (settings.apiKey) headers.authorization = `Bearer ${settings.apiKey}`;
      let response: Response;
      try {
        response = await fetch(url, {
          method: "POST",
          headers,
          signal,
          body: JSON.stringify({
            model: settings.model,
            messages: request.messages,
            max_tokens: request.maxTokens,
            stream: true,
            stream_options: { include_usage: true },
          }),
        });
      } catch (e) {
        throw new ProviderError("external", signal.aborted ? "timeout" : "error", String(e));
      }
      if (!response.ok || !response.body) {
        await response.body?.cancel();
        // 429 is the server's quota or rate limit: the next provider answers.
        throw new ProviderError("external", response.status === 429 ? "quota" : "error", `HTTP ${response.status}`);
      }
      return collectStream("external", response.body, request, onToken, signal);
    },
  };
}
