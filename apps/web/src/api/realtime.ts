import type { ApiClient } from "./client";
import { ApiProblem } from "./problem";

export type SocketState = "connecting" | "open" | "closed" | "off";

/**
 * The server's close codes that end a socket for good (docs/api.md, Realtime): reconnecting
 * would only be refused again, so the client stops and says why. Any other close is retried.
 */
export function closeProblem(code: number, reason: string): ApiProblem | null {
  switch (code) {
    case 4401:
      return new ApiProblem("expired", 401, reason || "token_expired", "The session has ended.");
    case 4410:
      return new ApiProblem("expired", 401, reason || "token_revoked", "Access was revoked.");
    case 4403:
      return new ApiProblem("feature_disabled", 403, reason || "feature_disabled", "The feature was turned off.");
    default:
      return null;
  }
}

interface Ticket {
  ticket: string;
}

// Browsers cannot put an Authorization header on a WebSocket, so each connection first trades
// the bearer token for a single-use ticket (POST /api/realtime/ticket) and puts that in the URL.
export class RealtimeSocket {
  private ws: WebSocket | null = null;
  private attempts = 0;
  private retryTimer: ReturnType<typeof setTimeout> | null = null;
  private stopped = true;
  state: SocketState = "closed";

  constructor(
    private readonly api: ApiClient,
    private readonly path: "/ws/signals" | "/ws/chat",
    private readonly onMessage: (msg: unknown) => void,
    private readonly onState: (state: SocketState, problem?: ApiProblem) => void = () => {},
  ) {}

  start(): void {
    if (!this.stopped) return;
    this.stopped = false;
    void this.connect();
  }

  stop(): void {
    this.stopped = true;
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.retryTimer = null;
    this.ws?.close(1000, "bye");
    this.ws = null;
    this.setState("closed");
  }

  get isOpen(): boolean {
    return this.ws?.readyState === WebSocket.OPEN;
  }

  send(message: unknown): boolean {
    if (!this.isOpen || !this.ws) return false;
    this.ws.send(JSON.stringify(message));
    return true;
  }

  private setState(state: SocketState, problem?: ApiProblem): void {
    this.state = state;
    this.onState(state, problem);
  }

  private async connect(): Promise<void> {
    if (this.stopped) return;
    this.setState("connecting");
    let ticket: string;
    try {
      ticket = (await this.api.json<Ticket>("/api/realtime/ticket", { method: "POST", body: {}, quiet: true })).ticket;
    } catch (err) {
      // Expired token or a feature that is off will not heal by retrying.
      if (err instanceof ApiProblem && ["expired", "feature_disabled", "forbidden"].includes(err.kind)) {
        this.stopped = true;
        this.setState("off", err);
        return;
      }
      this.scheduleRetry(err instanceof ApiProblem ? err.retryAfter : undefined);
      return;
    }
    if (this.stopped) return;
    const url = new URL(this.path, location.href);
    url.protocol = url.protocol === "https:" ? "wss:" : "ws:";
    url.searchParams.set("ticket", ticket);
    const ws = new WebSocket(url);
    this.ws = ws;
    ws.addEventListener("open", () => {
      this.attempts = 0;
      this.setState("open");
    });
    ws.addEventListener("message", (ev) => {
      if (typeof ev.data !== "string") return;
      try {
        this.onMessage(JSON.parse(ev.data));
      } catch {
        // A frame that is not JSON is not part of the protocol; ignore it.
      }
    });
    ws.addEventListener("close", (ev) => {
      if (this.ws !== ws) return;
      this.ws = null;
      const final = closeProblem(ev.code, ev.reason);
      if (final) {
        this.stopped = true;
        this.setState("off", final);
        return;
      }
      this.setState("closed");
      this.scheduleRetry();
    });
  }

  private scheduleRetry(retryAfterSeconds?: number): void {
    if (this.stopped) return;
    this.attempts++;
    const backoff = Math.min(30_000, 1_000 * 2 ** Math.min(this.attempts, 5));
    const delay = retryAfterSeconds !== undefined ? retryAfterSeconds * 1000 : backoff * (0.5 + Math.random() / 2);
    this.retryTimer = setTimeout(() => void this.connect(), delay);
  }
}
