import { type AuthContext, parseSocketMessage, publicError, socketErrorFrame } from "@atomic-guide/shared";
import type * as v from "valibot";
import type { LearnerGate } from "../chat/learner-gate";
import { SocketMessageSchema } from "../chat/schemas";
import { executeTurn, prepareTurn } from "../chat/turn";
import { chatEnvVars } from "../env-vars";
import type { SocketAttachment } from "./learner-sockets";

type Send = (message: Record<string, unknown>) => void;

/**
 * A learner's /ws/chat messages, answered in the learner's object. Messages to one conversation
 * are answered one after another, in the order they came: a follow-up sent on the first
 * `ai_token` of a new conversation would otherwise reach the conversation's object before the
 * first question is stored there (it is stored at the first token, after the token is sent) and
 * be refused as unknown. New conversations and other conversations run side by side.
 */
export class SocketTurns {
  /** The last turn of each conversation still running here (this object's own promises). */
  private readonly running = new Map<string, Promise<unknown>>();

  constructor(
    private readonly env: Env,
    private readonly learner: LearnerGate,
  ) {}

  async answer(attachment: SocketAttachment, raw: string | ArrayBuffer, send: Send): Promise<void> {
    let message: v.InferOutput<typeof SocketMessageSchema>;
    try {
      message = parseSocketMessage(raw, SocketMessageSchema);
    } catch (e) {
      send(socketErrorFrame(e));
      return;
    }
    if (message.type === "ping") {
      send({ type: "pong" });
      return;
    }
    const { type: _type, ...request } = message;
    const known = request.conversationId;
    const earlier = known ? this.running.get(known) : undefined;
    let settled!: () => void;
    const done = new Promise<void>((resolve) => {
      settled = resolve;
    });
    if (known) this.running.set(known, done);
    try {
      // Resolves only, never rejects: set in the `finally` of the turn before.
      await earlier;
      await this.run(attachment.auth, attachment.preference, request, send, (conversationId) => {
        if (!known) this.running.set(conversationId, done);
      });
    } finally {
      settled();
      for (const [id, turn] of this.running) if (turn === done) this.running.delete(id);
    }
  }

  private async run(
    auth: AuthContext,
    preference: SocketAttachment["preference"],
    request: Omit<v.InferOutput<typeof SocketMessageSchema> & { type: "message" }, "type">,
    send: Send,
    started: (conversationId: string) => void,
  ): Promise<void> {
    try {
      const turn = await prepareTurn(
        { env: this.env, vars: chatEnvVars(this.env), auth, preference, learner: this.learner },
        request,
      );
      started(turn.conversationId);
      const reply = await executeTurn(turn, (text) =>
        send({ type: "ai_token", conversationId: turn.conversationId, text }),
      );
      send({ type: "ai_done", ...reply });
    } catch (e) {
      const failure = publicError(e);
      if (failure.status === 429) {
        send({
          type: "rate_limit",
          code: failure.code,
          message: failure.message,
          retryAfter: Number(failure.headers["Retry-After"] ?? 60),
        });
      } else {
        send(socketErrorFrame(e));
      }
    }
  }
}
