// One chat turn over server-sent events, timed on the client: when the first `token` event
// arrives and when the `done` event closes the turn.
import { type BenchFixture, bearer } from "./fixture";
import type { LaunchedUser } from "./launch";
import type { ProviderDouble } from "./provider-double";

export const BENCH_QUESTION = "How do I solve 3x + 7 = 22 for x?";

export interface ChatTurn {
  ok: boolean;
  status: number;
  /** ms from sending the request to the first token event. */
  firstTokenMs: number;
  totalMs: number;
  conversationId?: string;
  provider?: string;
  error?: string;
}

export async function chatTurn(fixture: BenchFixture, user: LaunchedUser, conversationId?: string): Promise<ChatTurn> {
  const t0 = performance.now();
  const res = await fetch(fixture.url("/api/chat/message"), {
    method: "POST",
    headers: { ...bearer(user), "Content-Type": "application/json", Accept: "text/event-stream" },
    body: JSON.stringify({ message: BENCH_QUESTION, ...(conversationId ? { conversationId } : {}) }),
  });
  if (res.status !== 200 || !res.body) {
    const body = await res.text();
    return { ok: false, status: res.status, firstTokenMs: Number.NaN, totalMs: performance.now() - t0, error: body };
  }
  let firstTokenMs = Number.NaN;
  let buffer = "";
  let done: { conversationId?: string; provider?: string } | undefined;
  let error: string | undefined;
  const decoder = new TextDecoder();
  for await (const chunk of res.body) {
    buffer += decoder.decode(chunk, { stream: true });
    for (let end = buffer.indexOf("\n\n"); end >= 0; end = buffer.indexOf("\n\n")) {
      const event = buffer.slice(0, end);
      buffer = buffer.slice(end + 2);
      const name = /^event: (.*)$/m.exec(event)?.[1];
      const data = /^data: (.*)$/m.exec(event)?.[1];
      if (name === "token" && Number.isNaN(firstTokenMs)) firstTokenMs = performance.now() - t0;
      if (name === "done" && data) done = JSON.parse(data) as typeof done;
      if (name === "error") error = data ?? "error event";
    }
  }
  return {
    ok: done !== undefined && error === undefined && !Number.isNaN(firstTokenMs),
    status: res.status,
    firstTokenMs,
    totalMs: performance.now() - t0,
    ...(done?.conversationId ? { conversationId: done.conversationId } : {}),
    ...(done?.provider ? { provider: done.provider } : {}),
    ...(error ? { error } : {}),
  };
}

/** A turn the external model double answered: not the offline fallback, not Workers AI. */
export const answeredByDouble = (turn: ChatTurn) => turn.ok && turn.provider === "external";

/**
 * What every chat scenario starts from: chat pointed at the external model double (else a skip,
 * since the figures would time another provider) and `count` launched learners.
 */
export async function chatLearners(
  fixture: BenchFixture,
  provider: ProviderDouble | undefined,
  count: number,
): Promise<{ provider: ProviderDouble; users: LaunchedUser[] } | { skip: string }> {
  if (!provider) return { skip: "no provider double wired to chat" };
  return { provider, users: await fixture.learners(count) };
}
