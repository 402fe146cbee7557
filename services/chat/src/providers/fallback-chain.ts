import { isTimeout, withTimeout } from "@atomic-guide/shared/timeout";
import type { ChatEnvVars } from "../env-vars";
import type { FaqEntry } from "../knowledge/faq";
import { externalProvider } from "./external";
import { offlineProvider } from "./offline";
import {
  type ChatProvider,
  type ModelRequest,
  type ProviderAnswer,
  ProviderError,
  type ProviderFailureReason,
  type ProviderName,
} from "./types";
import { type AiRunner, workersAiProvider } from "./workers-ai";

/** The tenant flag the gateway passes as X-Atomic-Ai-Provider. */
export type ProviderPreference = ProviderName | "auto";

export interface AvailableProviders {
  "workers-ai"?: ChatProvider;
  external?: ChatProvider;
  offline: ChatProvider;
}

export function availableProviders(
  vars: ChatEnvVars,
  ai: AiRunner | undefined,
  faq: readonly FaqEntry[],
): AvailableProviders {
  const providers: AvailableProviders = { offline: offlineProvider(faq) };
  if (ai) providers["workers-ai"] = workersAiProvider(ai, vars.WORKERS_AI_MODEL);
  if (vars.EXTERNAL_AI_BASE_URL) {
    providers.external = externalProvider({
      baseUrl: vars.EXTERNAL_AI_BASE_URL,
      model: vars.EXTERNAL_AI_MODEL,
      apiKey: vars.EXTERNAL_AI_API_KEY,
    });
  }
  return providers;
}

/**
 * The order in which providers are tried. A tenant that names a provider gets it, with only the
 * offline provider behind it (a tenant that chose Workers AI may not want text sent to a third
 * party). "auto" routes by complexity and falls through every configured provider.
 */
export function providerChain(
  preference: ProviderPreference,
  providers: AvailableProviders,
  complexity: number,
  threshold: number,
): ChatProvider[] {
  let order: ProviderName[];
  if (preference === "offline") order = ["offline"];
  else if (preference === "workers-ai") order = ["workers-ai", "offline"];
  else if (preference === "external") order = ["external", "offline"];
  else order = complexity >= threshold ? ["external", "workers-ai", "offline"] : ["workers-ai", "external", "offline"];
  return order.flatMap((name) => providers[name] ?? []);
}

export interface RoutedAnswer extends ProviderAnswer {
  provider: ProviderName;
  /** Providers that failed before this one answered, for logs. */
  failures: { provider: ProviderName; reason: ProviderFailureReason }[];
}

export interface Timeouts {
  firstTokenMs: number;
  totalMs: number;
}

const failureReason = (e: unknown): ProviderFailureReason => {
  if (e instanceof ProviderError) return e.reason;
  return isTimeout(e) ? "timeout" : "error";
};

/**
 * Tries each provider in turn until one answers. Once a provider has streamed text to the
 * learner, its failure is not retried elsewhere (the learner would see two answers spliced):
 * the partial answer stands, marked as cut short.
 */
export async function answerWithFallback(
  chain: readonly ChatProvider[],
  request: ModelRequest,
  onToken: (text: string) => void,
  timeouts: Timeouts,
): Promise<RoutedAnswer> {
  const failures: RoutedAnswer["failures"] = [];
  for (const provider of chain) {
    let streamed = "";
    const controller = new AbortController();
    // The silent-model timer: a provider that has not produced a first token in time is given up.
    let firstToken: ReturnType<typeof setTimeout> | undefined = setTimeout(
      () => controller.abort(new ProviderError(provider.name, "silent", "no first token in time")),
      timeouts.firstTokenMs,
    );
    const aborted = new Promise<never>((_, reject) => {
      controller.signal.addEventListener("abort", () => reject(controller.signal.reason), { once: true });
    });
    try {
      const answer = await withTimeout(
        Promise.race([
          provider.stream(
            request,
            (text) => {
              if (controller.signal.aborted) return;
              if (firstToken) {
                clearTimeout(firstToken);
                firstToken = undefined;
              }
              streamed += text;
              onToken(text);
            },
            controller.signal,
          ),
          aborted,
        ]),
        timeouts.totalMs,
      );
      return { ...answer, provider: provider.name, failures };
    } catch (e) {
      failures.push({ provider: provider.name, reason: failureReason(e) });
      if (streamed) {
        const note = "\n\n[The answer was cut short.]";
        onToken(note);
        return {
          text: streamed + note,
          usage: { inputTokens: 0, outputTokens: Math.ceil(streamed.length / 4) },
          provider: provider.name,
          failures,
        };
      }
    } finally {
      clearTimeout(firstToken);
      // Stops the provider's stream whatever ended the attempt (answer, failure or timeout).
      controller.abort();
    }
  }
  // Unreachable in practice: the offline provider is always last and never fails.
  throw new ProviderError("offline", "unavailable", "no provider could answer");
}
