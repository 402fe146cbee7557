import type { ApiClient } from "./client";
import { readSse } from "./sse";

/** Where an answer came from: a block of the page (`id` = its data-guide-block) or a FAQ entry. */
export interface Citation {
  source: "page" | "faq";
  id: string;
  excerpt: string;
}

export interface ChatDone {
  citations: Citation[];
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
  /** Block-marked page text (`[[block:<id>]]` lines), at most 20000 characters. */
  pageContent?: string;
  /** The element in focus: the quiz item or block the learner is working on. */
  elementId?: string;
  /** A quiz item's own text (the markers in `pageContent` name blocks only). */
  elementText?: string;
  /** That item counts for a grade: the guide gives hints, never the answer. */
  graded?: boolean;
  resourceLinkId?: string;
}

export function toCitations(raw: unknown): Citation[] {
  if (!Array.isArray(raw)) return [];
  const out: Citation[] = [];
  for (const c of raw) {
    if (!c || typeof c !== "object") continue;
    const r = c as Record<string, unknown>;
    if ((r.source === "page" || r.source === "faq") && typeof r.id === "string" && r.id)
      out.push({ source: r.source, id: r.id, excerpt: typeof r.excerpt === "string" ? r.excerpt : "" });
  }
  return out.slice(0, 10);
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
    citations: toCitations(o.citations),
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
  return { response: text, suggestions: [], citations: [] };
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
