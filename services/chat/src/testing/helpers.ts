import { exports } from "cloudflare:workers";
import { type AuthContext, encodeAuthContext } from "@atomic-guide/shared";
import { createParser } from "eventsource-parser";
import type { ChatReply } from "../chat/schemas";

let counter = 0;
/** A fresh learner (and by default a fresh tenant), so budgets and lists never leak between tests. */
export function learner(overrides: Partial<AuthContext> = {}): AuthContext {
  counter++;
  return {
    tenantId: `tenant-${counter}-${crypto.randomUUID().slice(0, 8)}`,
    userId: `user-${counter}`,
    roles: ["http://purl.imsglobal.org/vocab/lis/v2/membership#Learner"],
    isInstructor: false,
    contextId: "course-1",
    ...overrides,
  };
}

export interface CallOptions {
  provider?: string;
  accept?: string;
  headers?: Record<string, string>;
}

export function call(auth: AuthContext, method: string, path: string, body?: unknown, options: CallOptions = {}) {
  const headers = new Headers({ "X-Atomic-Auth": encodeAuthContext(auth), ...options.headers });
  if (options.provider) headers.set("X-Atomic-Ai-Provider", options.provider);
  if (options.accept) headers.set("Accept", options.accept);
  if (body !== undefined) headers.set("content-type", "application/json");
  return exports.default.fetch(
    new Request(`http://chat${path}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) }),
  );
}

export async function ask(
  auth: AuthContext,
  body: { message: string; conversationId?: string; pageContext?: Record<string, unknown> },
  options: CallOptions = {},
): Promise<ChatReply> {
  const res = await call(auth, "POST", "/api/chat/message", body, options);
  if (res.status !== 200) throw new Error(`expected 200, got ${res.status}: ${await res.text()}`);
  return res.json();
}

export interface SseEvent {
  event: string;
  data: unknown;
}

/** Parses a complete text/event-stream body into its events, in order. */
export function parseSse(text: string): SseEvent[] {
  const events: SseEvent[] = [];
  const parser = createParser({
    onEvent: (e) => events.push({ event: e.event ?? "message", data: JSON.parse(e.data) }),
  });
  parser.feed(text);
  parser.reset({ consume: true });
  return events;
}
