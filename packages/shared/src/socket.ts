import { publicError } from "./errors";

/** The frame a socket sends for a failed message: the same code and message HTTP would show. */
export function socketErrorFrame(e: unknown): { type: "error"; code: string; message: string } {
  const failure = publicError(e);
  return { type: "error", code: failure.code, message: failure.message };
}

/**
 * Answers a client's close frame from a hibernatable socket's `webSocketClose`. 1005 and 1006
 * only describe a close locally and may not be sent, so they are answered with 1000; the runtime
 * may already have replied on its own, and a second close then throws, which changes nothing.
 */
export function answerClose(ws: WebSocket, code: number): void {
  try {
    ws.close(code === 1005 || code === 1006 ? 1000 : code, "closing");
  } catch {
    // Already closed.
  }
}
