// The integration suite's WebSocket client: /ws/signals and /ws/chat opened as a browser opens
// them, over a real connection to the system's loopback address.
//
// Why `ws` directly rather than `mf.dispatchFetch`: Miniflare's coupled socket reports a close
// only when the TCP connection ends. In the local runtime (workerd), a hibernatable socket that a
// Durable Object closes gets its close frame to the client at once, but the connection behind it
// is released only when the object goes idle (about 10 s), or, while the object stays busy (an
// alarm, other requests), only when the client gives up waiting (`ws`'s 30 s close timeout); a
// socket the object accepted without hibernation ends at once. So `closed` here is the server's
// close frame: the client answers it and drops the connection a short while later, as the
// protocol lets a client do when the server does not end it.
import { createRequire } from "node:module";
import type { RunningSystem } from "./system";

export interface Socket {
  /** Every JSON message the server pushed, in order. */
  readonly messages: Record<string, unknown>[];
  send(message: unknown): void;
  /** The first message (already received or still to come) that matches, or an error after `waitMs`. */
  next(match: (message: Record<string, unknown>) => boolean, waitMs?: number): Promise<Record<string, unknown>>;
  /** Resolves with the code and reason of the server's close frame. */
  readonly closed: Promise<{ code: number; reason: string }>;
  close(): void;
}

/** The part of the `ws` client (the version Miniflare also uses, pinned in the catalog) this module uses. */
interface WsClient {
  on(event: "open", listener: () => void): void;
  on(event: "message", listener: (data: Buffer, isBinary: boolean) => void): void;
  on(event: "close", listener: (code: number, reason: Buffer) => void): void;
  on(event: "error", listener: (error: Error) => void): void;
  on(
    event: "unexpected-response",
    listener: (
      req: unknown,
      res: { statusCode?: number; on(e: "data", l: (chunk: Buffer) => void): void; on(e: "end", l: () => void): void },
    ) => void,
  ): void;
  send(data: string): void;
  close(code?: number, reason?: string): void;
}
type WsConstructor = new (url: URL, options: { perMessageDeflate: boolean; closeTimeout: number }) => WsClient;

const WebSocketClient = createRequire(import.meta.url)("ws") as WsConstructor;

/** After the server's close frame is answered, how long the client waits for it to end the connection. */
const CLOSE_TIMEOUT_MS = 1_000;

function connect(url: URL): Promise<WsClient> {
  const ws = new WebSocketClient(url, { perMessageDeflate: false, closeTimeout: CLOSE_TIMEOUT_MS });
  return new Promise((resolve, reject) => {
    ws.on("open", () => resolve(ws));
    ws.on("error", reject);
    ws.on("unexpected-response", (_req, res) => {
      let body = "";
      res.on("data", (chunk) => {
        body += chunk.toString();
      });
      res.on("end", () => reject(new Error(`upgrade of ${url.pathname}: ${res.statusCode} ${body}`)));
    });
  });
}

/**
 * Opens /ws/signals or /ws/chat as a browser does: a single-use ticket from
 * POST /api/realtime/ticket, then the upgrade with `?ticket=`.
 */
export async function openSocket(
  system: RunningSystem,
  token: string,
  path: "/ws/signals" | "/ws/chat",
): Promise<Socket> {
  const ticketRes = await system.fetch("/api/realtime/ticket", {
    method: "POST",
    headers: { Authorization: `Bearer ${token}` },
  });
  if (ticketRes.status !== 200) throw new Error(`ticket: ${ticketRes.status} ${await ticketRes.text()}`);
  const { ticket } = (await ticketRes.json()) as { ticket: string };
  const url = new URL(`${path}?ticket=${encodeURIComponent(ticket)}`, await system.mf.ready);
  url.protocol = "ws:";
  const ws = await connect(url);
  const messages: Record<string, unknown>[] = [];
  const waiters = new Set<() => void>();
  const closed = new Promise<{ code: number; reason: string }>((resolve) => {
    ws.on("close", (code, reason) => resolve({ code, reason: reason.toString() }));
  });
  ws.on("message", (data) => {
    messages.push(JSON.parse(data.toString()) as Record<string, unknown>);
    for (const wake of waiters) wake();
  });
  return {
    messages,
    send: (message) => ws.send(JSON.stringify(message)),
    next: (match, waitMs = 10_000) =>
      new Promise((resolve, reject) => {
        const check = () => {
          const found = messages.find(match);
          if (!found) return false;
          waiters.delete(check);
          clearTimeout(timer);
          resolve(found);
          return true;
        };
        const timer = setTimeout(() => {
          waiters.delete(check);
          reject(new Error(`no matching message within ${waitMs} ms; got ${JSON.stringify(messages)}`));
        }, waitMs);
        waiters.add(check);
        check();
      }),
    closed,
    close: () => ws.close(1000, "done"),
  };
}
