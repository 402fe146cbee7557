import {
  type AuthContext,
  AuthContextSchema,
  assertSocketAllowed,
  errorToResponse,
  type SocketHost,
  socketAccepted,
  socketRecheckMs,
} from "@atomic-guide/shared";
import * as v from "valibot";
import { ProviderPreferenceSchema } from "../chat/schemas";
import { tenantSocketsStub } from "./tenant-sockets";

/**
 * The learner's /ws/chat sockets: what each one remembers across hibernation (the verified
 * caller with its token's limits, and the provider preference) and how the object keeps them
 * within those limits (expiry, revocation, the tenant's chat flag; packages/shared socket-guard).
 */
export const SocketAttachmentSchema = v.object({ auth: AuthContextSchema, preference: ProviderPreferenceSchema });
export type SocketAttachment = v.InferOutput<typeof SocketAttachmentSchema>;

export const AUTH_HEADER = "X-Chat-Auth";
export const PROVIDER_HEADER = "X-Chat-Provider";

export function attachmentOf(ws: WebSocket): SocketAttachment | null {
  const parsed = v.safeParse(SocketAttachmentSchema, ws.deserializeAttachment());
  return parsed.success ? parsed.output : null;
}

export function chatSocketHost(ctx: DurableObjectState, env: Env): SocketHost {
  return {
    ctx,
    policyKv: env.KNOWLEDGE,
    feature: "chat",
    recheckMs: socketRecheckMs(env),
    directory: (tenantId) => tenantSocketsStub(env, tenantId),
    authOf: (ws) => attachmentOf(ws)?.auth ?? null,
  };
}

/** Accepts an upgrade forwarded by the worker: refused (4xx) when its token is already past its limits. */
export async function acceptChatSocket(host: SocketHost, request: Request): Promise<Response> {
  let auth: unknown = null;
  try {
    auth = JSON.parse(request.headers.get(AUTH_HEADER) ?? "null");
  } catch {
    // Falls through to the schema check below.
  }
  const attachment = v.safeParse(SocketAttachmentSchema, {
    auth,
    preference: request.headers.get(PROVIDER_HEADER) ?? "auto",
  });
  if (!attachment.success) return new Response("bad socket request", { status: 400 });
  const caller: AuthContext = attachment.output.auth;
  try {
    await assertSocketAllowed(host, caller);
  } catch (e) {
    return errorToResponse(e);
  }
  const pair = new WebSocketPair();
  host.ctx.acceptWebSocket(pair[1]);
  pair[1].serializeAttachment(attachment.output);
  await socketAccepted(host, caller);
  return new Response(null, { status: 101, webSocket: pair[0] });
}
