import { env, exports } from "cloudflare:workers";
import { type AuthContext, encodeAuthContext } from "@atomic-guide/shared";
import { withSocketToken } from "@atomic-guide/testing/socket-token";
import { describe, expect, it, vi } from "vitest";
import { budgetKey } from "../budget/limits";
import { call, learner } from "../testing/helpers";

type SocketMessage = { type: string; [key: string]: unknown };

async function openSocket(auth: AuthContext, provider?: string) {
  const headers: Record<string, string> = {
    Upgrade: "websocket",
    "X-Atomic-Auth": encodeAuthContext(withSocketToken(auth)),
  };
  if (provider) headers["X-Atomic-Ai-Provider"] = provider;
  const res = await exports.default.fetch(new Request("http://chat/ws/chat", { headers }));
  expect(res.status).toBe(101);
  const ws = res.webSocket;
  if (!ws) throw new Error("no socket");
  ws.accept();
  const received: SocketMessage[] = [];
  const waiters: { until: (m: SocketMessage) => boolean; resolve: () => void }[] = [];
  ws.addEventListener("message", (event) => {
    const message = JSON.parse(String(event.data)) as SocketMessage;
    received.push(message);
    for (const w of waiters.filter((w) => w.until(message))) w.resolve();
  });
  /** Resolves once `count` messages of this type have come. */
  const next = (type: string, count = 1) =>
    new Promise<void>((resolve) => {
      const enough = () => received.filter((m) => m.type === type).length >= count;
      if (enough()) resolve();
      else waiters.push({ until: enough, resolve });
    });
  return { ws, received, next };
}

describe("/ws/chat", () => {
  it("streams ai_token messages, then ai_done with the reply, and stores the turn", async () => {
    const me = learner();
    const socket = await openSocket(me);
    socket.ws.send(JSON.stringify({ type: "message", message: "What does photosynthesis produce?" }));
    await socket.next("ai_done");
    const types = socket.received.map((m) => m.type);
    const doneAt = types.indexOf("ai_done");
    expect(types.slice(0, doneAt).every((t) => t === "ai_token")).toBe(true);
    expect(doneAt).toBeGreaterThan(1);
    const done = socket.received[doneAt] as SocketMessage & {
      response: string;
      provider: string;
      conversationId: string;
    };
    expect(done.provider).toBe("workers-ai");
    const streamed = socket.received
      .slice(0, doneAt)
      .map((m) => m.text)
      .join("");
    expect(streamed).toBe(done.response);
    const history = await (await call(me, "GET", `/api/chat/history/${done.conversationId}`)).json<{
      messages: unknown[];
    }>();
    expect(history.messages).toHaveLength(2);
    socket.ws.close(1000, "bye");
  });

  it("answers a follow-up sent on a new conversation's first token after the first answer, never as unknown", async () => {
    const me = learner();
    const socket = await openSocket(me);
    let conversationId: string | undefined;
    socket.ws.addEventListener("message", (event) => {
      const message = JSON.parse(String(event.data)) as SocketMessage;
      if (message.type !== "ai_token" || conversationId) return;
      // As early as a client can: the first question may not be stored in the conversation yet.
      conversationId = String(message.conversationId);
      socket.ws.send(JSON.stringify({ type: "message", conversationId, message: "And in the dark?" }));
    });
    // The first answer is still streaming when the follow-up comes.
    socket.ws.send(JSON.stringify({ type: "message", message: "What does photosynthesis need? [[ai:slow]]" }));
    await vi.waitUntil(() => socket.received.filter((m) => m.type === "ai_done").length === 2, {
      timeout: 20_000,
      interval: 20,
    });
    const types = socket.received.map((m) => m.type);
    expect(types.filter((t) => t !== "ai_token" && t !== "ai_done")).toEqual([]);
    // The follow-up's tokens come after the first answer is done: one conversation, in order.
    const firstDone = types.indexOf("ai_done");
    const followUp = socket.received.slice(firstDone + 1);
    expect(followUp.length).toBeGreaterThan(1);
    expect(followUp.every((m) => m.conversationId === conversationId)).toBe(true);
    const history = await (await call(me, "GET", `/api/chat/history/${conversationId}`)).json<{
      messages: { role: string; content: string }[];
    }>();
    expect(history.messages.map((m) => m.role)).toEqual(["user", "assistant", "user", "assistant"]);
    expect(history.messages[2]?.content).toBe("And in the dark?");
    socket.ws.close(1000, "bye");
  });

  it("sends rate_limit when over budget, and error for a malformed message", async () => {
    const me = learner();
    await env.KNOWLEDGE.put(budgetKey(me.tenantId), JSON.stringify({ messagesPerMinute: 1 }));
    const socket = await openSocket(me, "offline");
    socket.ws.send("not json");
    await socket.next("error");
    expect(socket.received[0]).toMatchObject({ type: "error", code: "invalid_json" });
    // The same reading as /ws/signals and HTTP: the field named, and no frame over 256 KiB.
    socket.ws.send(JSON.stringify({ type: "message", message: "" }));
    await socket.next("error", 2);
    expect(socket.received[1]).toMatchObject({ code: "invalid_request", message: expect.stringMatching(/^message: /) });
    socket.ws.send(JSON.stringify({ type: "ping", pad: "x".repeat(256 * 1024) }));
    await socket.next("error", 3);
    expect(socket.received[2]).toMatchObject({ code: "invalid_message" });
    socket.ws.send(JSON.stringify({ type: "message", message: "one" }));
    await socket.next("ai_done");
    socket.ws.send(JSON.stringify({ type: "message", message: "two" }));
    await socket.next("rate_limit");
    const limited = socket.received.find((m) => m.type === "rate_limit");
    expect(limited).toMatchObject({ type: "rate_limit", code: "rate_limited" });
    expect(Number(limited?.retryAfter)).toBeGreaterThanOrEqual(1);
    socket.ws.close(1000, "bye");
  });

  it("refuses a plain GET without an upgrade", async () => {
    const res = await call(learner(), "GET", "/ws/chat");
    expect(res.status).toBe(426);
  });
});
