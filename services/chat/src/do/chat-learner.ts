import { DurableObject } from "cloudflare:workers";
import {
  admitMessage,
  answerClose,
  enforceSocketLimits,
  type LearnerProfile,
  recheckSockets,
  SOCKET_CLOSE,
  type SocketHost,
  type SocketPolicy,
} from "@atomic-guide/shared";
import { ensureSchema } from "@atomic-guide/shared/do-schema";
import { IdleExpiry, type KnownRetention } from "@atomic-guide/shared/learner-retention/idle-expiry";
import { secondsUntilNextUtcDay, utcDay } from "../budget/limits";
import type {
  Admission,
  AdmitRequest,
  CancelAdmissionRequest,
  LearnerGate,
  ReserveRequest,
  SettleRequest,
  TokenHold,
} from "../chat/learner-gate";
import { ConversationWindows, WINDOW_DDL } from "./conversation-window";
import { acceptChatSocket, attachmentOf, chatSocketHost } from "./learner-sockets";
import { SocketTurns } from "./socket-turns";

export interface ConversationSummary {
  conversationId: string;
  title: string | null;
  createdAt: string;
  updatedAt: string;
  messageCount: number;
}

const MINUTE_MS = 60_000;

/** Bump with every change to LEARNER_DDL: objects marked with an older version run it again. */
const LEARNER_SCHEMA_VERSION = "3";
const LEARNER_DDL = `
  CREATE TABLE IF NOT EXISTS conversations (
    conversation_id TEXT PRIMARY KEY, title TEXT, created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL, message_count INTEGER NOT NULL DEFAULT 0
  );
  CREATE TABLE IF NOT EXISTS recent_messages (at INTEGER NOT NULL);
  CREATE TABLE IF NOT EXISTS usage_day (day TEXT PRIMARY KEY, tokens INTEGER NOT NULL);
  CREATE TABLE IF NOT EXISTS profile (id INTEGER PRIMARY KEY CHECK (id = 1), json TEXT NOT NULL, updated_at TEXT NOT NULL);
  ${WINDOW_DDL}
  ${IdleExpiry.DDL}
`;

/**
 * One per learner (`idFromName("<tenantId>:<userId>")`): the index of their conversations, their
 * latest profile from struggle-detector, their budget counters, and their /ws/chat sockets
 * (hibernatable, so idle learners cost nothing).
 */
export class ChatLearnerDO extends DurableObject<Env> implements LearnerGate {
  // Initialised after the base constructor has set ctx and env.
  private readonly sql = this.ctx.storage.sql;
  private readonly sockets: SocketHost = chatSocketHost(this.ctx, this.env);
  private readonly socketTurns = new SocketTurns(this.env, this);
  /** Retention of what only this object holds (a profile pushed before any conversation, say). */
  private readonly expiry = new IdleExpiry(this.ctx.storage, this.env.KNOWLEDGE);
  private readonly windows = new ConversationWindows(this.sql);

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    this.createSchema();
  }

  /** The object is named `<tenantId>:<userId>` and tenant ids hold no ":". */
  private async noteActivity(): Promise<KnownRetention | undefined> {
    const tenantId = this.ctx.id.name?.split(":")[0];
    if (!tenantId) return undefined;
    const { retentionDays, checkedAtMs } = await this.expiry.noteActivity(tenantId);
    return { retentionDays, checkedAtMs };
  }

  private createSchema() {
    ensureSchema(this.ctx.storage, LEARNER_SCHEMA_VERSION, LEARNER_DDL);
  }

  private tokensToday(nowMs: number): number {
    return (
      this.sql.exec<{ tokens: number }>("SELECT tokens FROM usage_day WHERE day = ?", utcDay(nowMs)).toArray()[0]
        ?.tokens ?? 0
    );
  }

  /** Adds (or, negative, gives back) tokens on a day's counter. */
  private addTokens(day: string, tokens: number) {
    this.sql.exec(
      "INSERT INTO usage_day (day, tokens) VALUES (?, ?) ON CONFLICT (day) DO UPDATE SET tokens = MAX(0, tokens + excluded.tokens)",
      day,
      Math.round(tokens),
    );
  }

  /** Holds up to `tokens` of what is left today; the counter includes holds until they settle. */
  private hold(tokens: number, limit: number, nowMs: number, used = this.tokensToday(nowMs)): TokenHold {
    const day = utcDay(nowMs);
    const reserved = Math.max(0, Math.min(Math.round(tokens), limit - used));
    if (reserved > 0) this.addTokens(day, reserved);
    return { reserved, day };
  }

  async admit(request: AdmitRequest): Promise<Admission> {
    const { limits, nowMs } = request;
    const known = this.sql
      .exec<{ message_count: number }>(
        "SELECT message_count FROM conversations WHERE conversation_id = ?",
        request.conversationId,
      )
      .toArray()[0];
    if (!request.create && !known) return { kind: "not_found" };
    const used = this.tokensToday(nowMs);
    if (used >= limits.learnerTokensPerDay) {
      return { kind: "over_budget", scope: "learner_daily_tokens", retryAfter: secondsUntilNextUtcDay(nowMs) };
    }
    this.sql.exec("DELETE FROM recent_messages WHERE at <= ?", nowMs - MINUTE_MS);
    const recent = this.sql
      .exec<{ n: number; oldest: number | null }>("SELECT COUNT(*) AS n, MIN(at) AS oldest FROM recent_messages")
      .one();
    if (recent.n >= limits.messagesPerMinute) {
      const retryAfter = Math.max(1, Math.ceil(((recent.oldest ?? nowMs) + MINUTE_MS - nowMs) / 1000));
      return { kind: "over_budget", scope: "learner_messages_per_minute", retryAfter };
    }
    this.sql.exec("INSERT INTO recent_messages (at) VALUES (?)", nowMs);
    if (request.create && !known) {
      const at = new Date(nowMs).toISOString();
      this.sql.exec(
        "INSERT INTO conversations (conversation_id, title, created_at, updated_at) VALUES (?, ?, ?, ?)",
        request.conversationId,
        request.title,
        at,
        at,
      );
    }
    const { fixed, perEarlierMessage, window: size } = request.maximum;
    const maximum = fixed + perEarlierMessage * Math.min(size, known?.message_count ?? 0);
    // The hold is taken in the same synchronous step as the budget check: an await in between
    // (the retention mark may read KV) would let concurrent turns all pass the check and all
    // but one be admitted with nothing held, calling the model for free.
    const hold = this.hold(maximum, limits.learnerTokensPerDay, nowMs, used);
    const { window, ticket: windowTicket } = this.windows.admit(request.conversationId, nowMs);
    const retention = await this.noteActivity();
    return { kind: "ok", ...hold, profile: this.profile(), retention, window, windowTicket };
  }

  async reserve(request: ReserveRequest): Promise<TokenHold | null> {
    if (this.tokensToday(request.nowMs) >= request.limit) return null;
    return this.hold(request.tokens, request.limit, request.nowMs);
  }

  async cancelAdmission(request: CancelAdmissionRequest): Promise<void> {
    this.sql.exec(
      "DELETE FROM recent_messages WHERE rowid = (SELECT MAX(rowid) FROM recent_messages WHERE at = ?)",
      request.nowMs,
    );
    if (request.reserved > 0) this.addTokens(request.day, -request.reserved);
    this.windows.cancel(request.conversationId, request.windowTicket);
    if (request.created) {
      this.windows.forget(request.conversationId);
      this.sql.exec(
        "DELETE FROM conversations WHERE conversation_id = ? AND message_count = 0",
        request.conversationId,
      );
    }
  }

  /** Replaces the hold by what the turn cost, never more than was held. */
  async settle(request: SettleRequest): Promise<{ charged: number; remaining: number }> {
    const { nowMs } = request;
    const charged = Math.max(0, Math.min(Math.round(request.tokens), request.reserved));
    if (charged !== request.reserved) this.addTokens(request.day, charged - request.reserved);
    this.sql.exec("DELETE FROM usage_day WHERE day < ?", utcDay(nowMs - 7 * 86_400_000));
    if (request.conversationId !== undefined) {
      // Two messages per turn: the learner's and the answer.
      this.sql.exec(
        "UPDATE conversations SET updated_at = ?, message_count = message_count + 2 WHERE conversation_id = ?",
        new Date(nowMs).toISOString(),
        request.conversationId,
      );
    }
    if (request.window) this.windows.settle(request.window.conversationId, request.window.ticket, request.window.next);
    return { charged, remaining: Math.max(0, request.limit - this.tokensToday(nowMs)) };
  }

  /** Most recently active first; `limit` bounds the listing, export and erasure pass none. */
  async conversations(limit = 200): Promise<ConversationSummary[]> {
    return this.sql
      .exec<{
        conversation_id: string;
        title: string | null;
        created_at: string;
        updated_at: string;
        message_count: number;
      }>(
        "SELECT conversation_id, title, created_at, updated_at, message_count FROM conversations ORDER BY updated_at DESC LIMIT ?",
        limit,
      )
      .toArray()
      .map((r) => ({
        conversationId: r.conversation_id,
        title: r.title,
        createdAt: r.created_at,
        updatedAt: r.updated_at,
        messageCount: r.message_count,
      }));
  }

  private profile(): LearnerProfile | undefined {
    const row = this.sql.exec<{ json: string }>("SELECT json FROM profile WHERE id = 1").toArray()[0];
    // Written only by setProfile, after the RPC boundary parsed it: not parsed again on every turn.
    return row ? (JSON.parse(row.json) as LearnerProfile) : undefined;
  }

  async getProfile(): Promise<LearnerProfile | null> {
    return this.profile() ?? null;
  }

  /** Keeps the newest profile; pushes can arrive out of order. */
  async setProfile(profile: LearnerProfile): Promise<{ stored: boolean }> {
    const current = this.sql.exec<{ updated_at: string }>("SELECT updated_at FROM profile WHERE id = 1").toArray()[0];
    if (current && Date.parse(current.updated_at) > Date.parse(profile.updatedAt)) return { stored: false };
    this.sql.exec(
      "INSERT INTO profile (id, json, updated_at) VALUES (1, ?, ?) ON CONFLICT (id) DO UPDATE SET json = excluded.json, updated_at = excluded.updated_at",
      JSON.stringify(profile),
      profile.updatedAt,
    );
    await this.noteActivity();
    return { stored: true };
  }

  async tokensUsedToday(nowMs: number): Promise<number> {
    return this.tokensToday(nowMs);
  }

  /** Deletes the learner's state here and closes their sockets; returns the conversation ids to erase. */
  async erase(): Promise<{ conversationIds: string[] }> {
    const conversationIds = (await this.conversations(Number.MAX_SAFE_INTEGER)).map((c) => c.conversationId);
    // Erasure revokes the learner's tokens: their sockets end at once, with the revocation code.
    for (const ws of this.ctx.getWebSockets())
      ws.close(SOCKET_CLOSE.tokenRevoked.code, SOCKET_CLOSE.tokenRevoked.reason);
    await this.ctx.storage.deleteAll();
    // This instance may serve the learner again (a new conversation) before it is evicted.
    this.createSchema();
    return { conversationIds };
  }

  /**
   * Retention: drops conversations the sweep erased from the index. A learner left with no
   * conversation, no profile newer than the cutoff and no open socket is emptied entirely.
   */
  async forgetConversations(conversationIds: string[], cutoffIso: string): Promise<{ emptied: boolean }> {
    for (const id of conversationIds) this.sql.exec("DELETE FROM conversations WHERE conversation_id = ?", id);
    this.windows.forget(...conversationIds);
    const left = this.sql.exec<{ n: number }>("SELECT COUNT(*) AS n FROM conversations").one().n;
    const profile = this.sql.exec<{ updated_at: string }>("SELECT updated_at FROM profile WHERE id = 1").toArray()[0];
    const recentProfile = profile !== undefined && profile.updated_at >= cutoffIso;
    if (left > 0 || recentProfile || this.ctx.getWebSockets().length > 0) return { emptied: false };
    await this.ctx.storage.deleteAll();
    this.createSchema();
    return { emptied: true };
  }

  /** /ws/chat, forwarded by the worker with the verified identity in the attachment. */
  override async fetch(request: Request): Promise<Response> {
    return acceptChatSocket(this.sockets, request);
  }

  /** From the tenant's socket directory: a pushed policy change, checked against the open sockets now. */
  async recheckSockets(policy: SocketPolicy): Promise<{ open: number }> {
    return recheckSockets(this.sockets, policy);
  }

  /** Closes the sockets past their token's expiry or revoked, and re-checks while any stay open. */
  override async alarm(): Promise<void> {
    if (await this.expiry.expireIfDue(false, async () => void (await this.erase()))) return;
    await enforceSocketLimits(this.sockets);
  }

  override async webSocketMessage(ws: WebSocket, raw: string | ArrayBuffer): Promise<void> {
    const attachment = attachmentOf(ws);
    if (!attachment || !(await admitMessage(this.sockets, ws))) return;
    await this.socketTurns.answer(attachment, raw, (message) => {
      try {
        ws.send(JSON.stringify(message));
      } catch {
        // The learner went away mid-answer; the answer is still stored.
      }
    });
  }

  override async webSocketClose(ws: WebSocket, code: number): Promise<void> {
    answerClose(ws, code);
  }
}
