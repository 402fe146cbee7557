import {
  ApiError,
  type AuthContext,
  AuthContextSchema,
  errorFields,
  IdSchema,
  isApiErrorLike,
  type Logger,
  parseWith,
  socketErrorFrame,
} from "@atomic-guide/shared";
import * as v from "valibot";
import { type SignalBatch, SignalBatchSchema } from "../detection/signals";

/**
 * The learner's hibernatable `/ws/signals` sockets: accepting them, reading signal messages,
 * closing, and pushing to every open one. The caller's identity rides in the attachment so it
 * survives hibernation. Anything that must act on open sockets (revocation, flags) hooks in here.
 */

const MAX_MESSAGE_BYTES = 256 * 1024;

const SocketMessageSchema = v.variant("type", [
  v.object({
    type: v.literal("signals"),
    sessionId: SignalBatchSchema.entries.sessionId,
    signals: SignalBatchSchema.entries.signals,
  }),
]);

const AttachmentSchema = v.object({ auth: AuthContextSchema, sessionId: v.optional(IdSchema) });

export const upgradeRequired = () =>
  Response.json({ error: { code: "upgrade_required", message: "Expected a WebSocket upgrade." } }, { status: 426 });

export const isUpgrade = (request: Request) => request.headers.get("Upgrade")?.toLowerCase() === "websocket";

/** Accepts the socket as hibernatable, remembering the caller and the session it asked for. */
export function acceptSocket(ctx: DurableObjectState, request: Request, auth: AuthContext): Response {
  const pair = new WebSocketPair();
  const [client, server] = [pair[0], pair[1]];
  ctx.acceptWebSocket(server);
  const requested = new URL(request.url).searchParams.get("sessionId");
  const sessionId = requested === null ? undefined : parseWith(IdSchema, requested, "invalid_query");
  server.serializeAttachment({ auth, ...(sessionId ? { sessionId } : {}) });
  return new Response(null, { status: 101, webSocket: client });
}

export type IngestFromSocket = (
  auth: AuthContext,
  batch: SignalBatch,
) => Promise<{ accepted: number; duplicates: number; sessionId: string; struggle: unknown }>;

/** Reads one signals message, hands it to `ingest` and answers with an ack or an error frame. */
export async function handleSocketMessage(
  ws: WebSocket,
  message: string | ArrayBuffer,
  ingest: IngestFromSocket,
  log: Logger,
): Promise<void> {
  const attachment = v.safeParse(AttachmentSchema, ws.deserializeAttachment());
  if (!attachment.success) {
    ws.close(1008, "unknown connection");
    return;
  }
  try {
    if (typeof message !== "string" || message.length > MAX_MESSAGE_BYTES) {
      throw new ApiError(400, "invalid_message", "Messages are JSON text of at most 256 KiB.");
    }
    let data: unknown;
    try {
      data = JSON.parse(message);
    } catch {
      throw new ApiError(400, "invalid_json", "The message is not valid JSON.");
    }
    const parsed = parseWith(SocketMessageSchema, data);
    const sessionId = parsed.sessionId ?? attachment.output.sessionId;
    const result = await ingest(attachment.output.auth, {
      signals: parsed.signals,
      ...(sessionId ? { sessionId } : {}),
    });
    ws.send(
      JSON.stringify({
        type: "ack",
        accepted: result.accepted,
        duplicates: result.duplicates,
        sessionId: result.sessionId,
        struggle: result.struggle,
      }),
    );
  } catch (e) {
    if (!isApiErrorLike(e)) log.error("socket message failed", errorFields(e));
    ws.send(JSON.stringify(socketErrorFrame(e)));
  }
}

/** Sends to every open socket; returns how many there were. */
export function broadcast(ctx: DurableObjectState, payload: unknown): number {
  const sockets = ctx.getWebSockets();
  const text = JSON.stringify(payload);
  for (const ws of sockets) {
    try {
      ws.send(text);
    } catch {
      // A socket closing under us still gets the message from history or the HTTP reply.
    }
  }
  return sockets.length;
}

export function closeAll(ctx: DurableObjectState, code: number, reason: string): void {
  for (const ws of ctx.getWebSockets()) ws.close(code, reason);
}

export const hasOpenSockets = (ctx: DurableObjectState) => ctx.getWebSockets().length > 0;
