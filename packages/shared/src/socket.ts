import type * as v from "valibot";
import { ApiError, publicError } from "./errors";
import { MAX_BODY_BYTES, parseWith } from "./validation";

const utf8 = new TextDecoder("utf-8", { fatal: true, ignoreBOM: false });

/**
 * One client frame of a socket, read the way an HTTP body is: JSON of at most 256 KiB (text, or
 * binary holding UTF-8 text), checked against `schema`. Throws the ApiError whose frame the
 * socket sends back (invalid_message, invalid_json, or invalid_request naming the field).
 */
export function parseSocketMessage<S extends v.GenericSchema>(raw: string | ArrayBuffer, schema: S): v.InferOutput<S> {
  const size = typeof raw === "string" ? raw.length : raw.byteLength;
  if (size > MAX_BODY_BYTES) throw new ApiError(400, "invalid_message", "Messages are JSON text of at most 256 KiB.");
  let data: unknown;
  try {
    data = JSON.parse(typeof raw === "string" ? raw : utf8.decode(raw));
  } catch {
    throw new ApiError(400, "invalid_json", "The message is not valid JSON.");
  }
  return parseWith(schema, data);
}

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
