import type { ApiClient } from "./client";
import { readSse } from "./sse";

export interface ChatDone {
  conversationId?: string;
  messageId?: string;
  response: string;
  suggestions: string[];
  provider?: string;
  tokenUsage?: { used?: number; remaining?: number };
}

export interface PageContext {
  courseId?: string;
  pageTitle?: string;
  elementId?: string;
}

/** A token event's data may be a bare string or JSON carrying the text under a common key. */
export function tokenText(data: string): string {
  try {
    const parsed: unknown = JSON.parse(data);
    if (typeof parsed === "string") return parsed;
    if (parsed && typeof parsed === "object") {
      const o = parsed as Record<string, unknown>;
      for (const k of ["token", "text", "delta", "content"]) if (typeof o[k] === "string") return o[k] as string;
      return "";
    }
    return data;
  } catch {
    return data;
  }
}

export function toDone(raw: unknown): ChatDone {
  const o = (raw && typeof raw === "object" ? raw : {}) as Record<string, unknown>;
  const usage = (o.tokenUsage && typeof o.tokenUsage === "object" ? o.tokenUsage : {}) as Record<string, unknown>;
  const done: ChatDone = {
    response: typeof o.response === "string" ? o.response : "",
    suggestions: Array.isArray(o.suggestions) ? o.suggestions.filter((s): s is string => typeof s === "string") : [],
  };
  if (typeof o.conversationId === "string") done.conversationId = o.conversationId;
  if (typeof o.messageId === "string") done.messageId = o.messageId;
  if (typeof o.provider === "string") done.provider = o.provider;
  done.tokenUsage = {
    ...(typeof usage.used === "number" ? { used: usage.used } : {}),
    ...(typeof usage.remaining === "number" ? { remaining: usage.remaining } : {}),
  };
  return done;
}

/** Sends a message and streams the answer: onToken gets the text so far, the result is the done event. */
export async function sendChatMessage(
  api: ApiClient,
  body: { message: string; conversationId?: string; pageContext?: PageContext },
  onText: (textSoFar: string) => void,
  signal?: AbortSignal,
): Promise<ChatDone> {
  const res = await api.raw("/api/chat/message", {
    method: "POST",
    body,
    accept: "text/event-stream",
    ...(signal ? { signal } : {}),
  });
  const type = res.headers.get("Content-Type") ?? "";
  if (!type.includes("text/event-stream") || !res.body) return toDone(await res.json());
  let text = "";
  for await (const ev of readSse(res.body)) {
    if (ev.event === "token") {
      text += tokenText(ev.data);
      onText(text);
    } else if (ev.event === "done") {
      const done = toDone(JSON.parse(ev.data));
      if (!done.response) done.response = text;
      return done;
    } else if (ev.event === "error") {
      throw new Error(tokenText(ev.data) || "The answer stopped early.");
    }
  }
  // The stream ended without a done event: keep what arrived.
  return { response: text, suggestions: [] };
}

export interface HistoryMessage {
  role: "user" | "assistant";
  content: string;
  provider?: string;
}

export function toHistory(raw: unknown): HistoryMessage[] {
  const o = (raw && typeof raw === "object" ? raw : {}) as Record<string, unknown>;
  const list = Array.isArray(raw) ? raw : Array.isArray(o.messages) ? o.messages : [];
  const out: HistoryMessage[] = [];
  for (const m of list) {
    if (!m || typeof m !== "object") continue;
    const r = m as Record<string, unknown>;
    const content = typeof r.content === "string" ? r.content : typeof r.message === "string" ? r.message : null;
    if (content === null) continue;
    const role = r.role === "user" || r.role === "learner" ? "user" : "assistant";
    const item: HistoryMessage = { role, content };
    if (typeof r.provider === "string") item.provider = r.provider;
    out.push(item);
  }
  return out;
}

export function latestConversationId(raw: unknown): string | undefined {
  const o = (raw && typeof raw === "object" ? raw : {}) as Record<string, unknown>;
  const list = Array.isArray(raw) ? raw : Array.isArray(o.conversations) ? o.conversations : [];
  const first = list[0] as Record<string, unknown> | undefined;
  const id = first?.conversationId ?? first?.id;
  return typeof id === "string" ? id : undefined;
}
