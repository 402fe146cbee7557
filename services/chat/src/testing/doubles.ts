import { env } from "cloudflare:workers";
import type { ModelMessage } from "../providers/types";

interface RecordedCall {
  model: string;
  input: { messages: ModelMessage[]; max_tokens: number; stream: boolean };
  options: Record<string, unknown>;
}

/** The Workers AI double bound as `AI` in tests (test/ai-double.js). */
interface AiDouble {
  callsWith(marker: string): Promise<RecordedCall[]>;
  /** Finishes the answers of [[ai:hold]] messages. */
  release(): Promise<void>;
}

export const aiDouble = () => env.AI as unknown as AiDouble;

/** Requests the loopback OpenAI-compatible server received whose last message contains `marker`. */
export async function externalCallsWith(
  marker: string,
): Promise<{ body: { model: string; messages: ModelMessage[]; stream: boolean }; authorization?: string }[]> {
  const base = new URL(env.EXTERNAL_AI_BASE_URL);
  const res = await fetch(`${base.origin}/__calls?marker=${encodeURIComponent(marker)}`);
  return res.json();
}
