import {
  type AuthContext,
  AuthContextSchema,
  admitMessage,
  assertSocketAllowed,
  errorFields,
  errorToResponse,
  IdSchema,
  isApiErrorLike,
  type Logger,
  parseSocketMessage,
  parseWith,
  SOCKET_CLOSE,
  type SocketHost,
  socketAccepted,
  socketErrorFrame,
  socketRecheckMs,
} from "@atomic-guide/shared";
import * as v from "valibot";
import { type SignalBatch, SignalBatchSchema } from "../detection/signals";
import { tenantSocketsStub } from "./tenant-sockets";

/**
 * The learner's hibernatable `/ws/signals` sockets: accepting them, reading signal messages,
 * closing, and pushing to every open one. The caller's identity (with its token's limits) rides in
 * the attachment so it survives hibernation; expiry, revocation and the tenant's flag close them.
 */

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

const authOf = (ws: WebSocket): AuthContext | null => {
  const attachment = v.safeParse(AttachmentSchema, ws.deserializeAttachment());
  return attachment.success ? attachment.output.auth : null;
};

/** How the object keeps its sockets within their token's limits and the tenant's flag (shared socket-guard). */
export const signalsSocketHost = (ctx: DurableObjectState, env: Env): SocketHost => ({
  ctx,
  policyKv: env.TENANT_CONFIG,
  feature: "struggleDetection",
  recheckMs: socketRecheckMs(env),
  directory: (tenantId) => tenantSocketsStub(env, tenantId),
  authOf,
});

/**
 * Accepts the socket as hibernatable, remembering the caller (with its token's limits) and the
 * session it asked for; refused when the token is already past them.
 */
export async function acceptSocket(host: SocketHost, request: Request, auth: AuthContext): Promise<Response> {
  try {
    await assertSocketAllowed(host, auth);
  } catch (e) {
    return errorToResponse(e);
  }
  const requested = new URL(request.url).searchParams.get("sessionId");
  const sessionId = requested === null ? undefined : parseWith(IdSchema, requested, "invalid_query");
  const pair = new WebSocketPair();
  const [client, server] = [pair[0], pair[1]];
  host.ctx.acceptWebSocket(server);
  server.serializeAttachment({ auth, ...(sessionId ? { sessionId } : {}) });
  await socketAccepted(host, auth);
  return new Response(null, { status: 101, webSocket: client });
}

export type IngestFromSocket = (
  auth: AuthContext,
  batch: SignalBatch,
) => Promise<{ accepted: number; duplicates: number; sessionId: string; struggle: unknown }>;

/** Reads one signals message, hands it to `ingest` and answers with an ack or an error frame. */
export async function handleSocketMessage(
  host: SocketHost,
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
  if (!(await admitMessage(host, ws))) return;
  try {
    const parsed = parseSocketMessage(message, SocketMessageSchema);
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

/** Erasure revokes the learner's tokens: their sockets end at once, with the revocation code. */
export function closeAllRevoked(ctx: DurableObjectState): void {
  for (const ws of ctx.getWebSockets()) ws.close(SOCKET_CLOSE.tokenRevoked.code, SOCKET_CLOSE.tokenRevoked.reason);
}

export const hasOpenSockets = (ctx: DurableObjectState) => ctx.getWebSockets().length > 0;
