// Signal batches and the /ws/signals client the scenarios drive.
import { type BenchFixture, bearer } from "./fixture";
import type { LaunchedUser } from "./launch";

export interface Signal {
  type: "hover" | "scroll" | "idle" | "click" | "focus_change" | "answer_change" | "help_request" | "quiz_attempt";
  at: string;
  durationMs?: number;
  elementId?: string;
}

const BENIGN = ["click", "scroll", "hover", "focus_change"] as const;

/**
 * `count` ordinary signals of a reading learner: short hovers, forward scrolls and clicks, each
 * on its own element and at its own time, so none is a duplicate and none is evidence of
 * struggle (no long hover, no scroll reversal, no idle gap). `tag` keeps batches distinct.
 */
export function readingBatch(tag: string, count = 20): { signals: Signal[] } {
  const now = Date.now();
  return {
    signals: Array.from({ length: count }, (_, k) => {
      const type = BENIGN[k % BENIGN.length]!;
      return {
        type,
        at: new Date(now - (count - k) * 50).toISOString(),
        elementId: `el-${tag}-${k}`,
        ...(type === "hover" || type === "focus_change" ? { durationMs: 800 } : {}),
      };
    }),
  };
}

export const helpRequest = (elementId: string): { signals: Signal[] } => ({
  signals: [{ type: "help_request", at: new Date().toISOString(), elementId }],
});

interface ServerMessage {
  type: string;
  [key: string]: unknown;
}

/** A /ws/signals socket: batches are answered in order with `ack` (or `error`). */
export class SignalSocket {
  private readonly pendingAcks: ((m: ServerMessage) => void)[] = [];
  private readonly waiters: { type: string; resolve: (m: ServerMessage) => void }[] = [];
  private closing = false;
  closedUnexpectedly = false;

  private constructor(private readonly ws: WebSocket) {
    ws.addEventListener("message", (event) => {
      const message = JSON.parse(String(event.data)) as ServerMessage;
      if (message.type === "ack" || message.type === "error") this.pendingAcks.shift()?.(message);
      const w = this.waiters.findIndex((x) => x.type === message.type);
      if (w >= 0) this.waiters.splice(w, 1)[0]!.resolve(message);
    });
    ws.addEventListener("close", () => {
      this.closedUnexpectedly = !this.closing;
      for (const resolve of this.pendingAcks.splice(0)) resolve({ type: "closed" });
    });
  }

  /** Asks the gateway for a single-use ticket and opens the socket with it. */
  static async open(fixture: BenchFixture, user: LaunchedUser): Promise<SignalSocket> {
    const res = await fetch(fixture.url("/api/realtime/ticket"), { method: "POST", headers: bearer(user) });
    if (res.status !== 200) throw new Error(`ticket answered ${res.status}: ${await res.text()}`);
    const { ticket } = (await res.json()) as { ticket: string };
    const url = fixture.url(`/ws/signals?ticket=${encodeURIComponent(ticket)}`);
    url.protocol = "ws:";
    const ws = new WebSocket(url.toString());
    await new Promise<void>((resolve, reject) => {
      ws.addEventListener("open", () => resolve(), { once: true });
      ws.addEventListener("error", () => reject(new Error("the signal socket did not open")), { once: true });
    });
    return new SignalSocket(ws);
  }

  get open(): boolean {
    return this.ws.readyState === WebSocket.OPEN && !this.closedUnexpectedly;
  }

  /** Sends a batch; resolves with the server's ack or error for it. */
  send(batch: { signals: Signal[] }): Promise<ServerMessage> {
    return new Promise((resolve) => {
      this.pendingAcks.push(resolve);
      this.ws.send(JSON.stringify({ type: "signals", ...batch }));
    });
  }

  /** The next server message of `type` (an intervention pushed to the learner). */
  next(type: string): Promise<ServerMessage> {
    return new Promise((resolve) => this.waiters.push({ type, resolve }));
  }

  close(): void {
    this.closing = true;
    if (this.ws.readyState === WebSocket.OPEN) this.ws.close(1000, "bench done");
  }
}
