import { DurableObject } from "cloudflare:workers";
import type { LearningEvent } from "@atomic-guide/shared";
import { createLogger, tenantDb } from "@atomic-guide/shared";
import { ensureSchema } from "@atomic-guide/shared/do-schema";
import { IdleExpiry, type KnownRetention } from "@atomic-guide/shared/learner-retention/idle-expiry";
import { D1Outbox } from "@atomic-guide/shared/resilience/outbox";
import { flushOutbox, outboxBackoffFor, scheduleAlarmBy } from "@atomic-guide/shared/resilience/outbox-retry";
import { archiveStatements, type StoredMessage } from "../db/archive";
import { ConversationEvents, type EventCaller } from "./analytics-events";
import {
  ARCHIVE_OUTBOX,
  CONVERSATION_DDL,
  CONVERSATION_SCHEMA_VERSION,
  type MessageRow,
  type OwnerRow,
  toMessage,
} from "./conversation-schema";

export interface ConversationOwner {
  tenantId: string;
  userId: string;
  d1Binding?: string | undefined;
}

export interface BeginTurn {
  owner: ConversationOwner;
  /** True only for a conversation id the caller just generated. */
  create: boolean;
  conversationId: string;
  title: string | null;
  messageId: string;
  content: string;
  at: string;
  /** How many earlier messages go to the model; 0 when the caller has them already (then none are read). */
  windowSize: number;
  /** The tenant's retention as the learner's object read it, so a new conversation reads no KV. */
  retention?: KnownRetention | undefined;
}

export interface FinishTurn {
  owner: ConversationOwner;
  messageId: string;
  content: string;
  provider: string;
  tokens: number;
  at: string;
  /** The turn's `chat_message` learning event, queued with the answer for analytics. */
  event?: LearningEvent | undefined;
  analyticsCaller?: EventCaller | undefined;
}

/**
 * The learner's message waits in the object until the answer is stored, so a turn reaches D1 as
 * one outbox entry (one batch); past this long the alarm archives it alone, for a turn that
 * never finished.
 */
export const ARCHIVE_BACKSTOP_MS = 60_000;
/** Messages per outbox entry: the conversation upsert and these stay within an entry's 50 statements. */
const ARCHIVE_RUN = 20;

/**
 * One conversation (`idFromName("<tenantId>:<conversationId>")`), bound to its owner when it is
 * created. Every method takes the caller's identity and answers `null` to anyone else, exactly
 * as for a conversation that does not exist. The whole conversation lives here; D1 receives a
 * copy through the outbox, so a D1 outage loses nothing.
 */
export class ChatConversationDO extends DurableObject<Env> {
  private readonly sql: SqlStorage;
  private outbox: D1Outbox;
  private readonly events: ConversationEvents;
  /** Retention of a conversation D1 may never have seen; the tenant's period is read from KNOWLEDGE. */
  private readonly expiry: IdleExpiry;
  /**
   * The owner row as stored (null: none), read once per instance: a turn's begin, its finish and
   * the alarm after it each need it. Only this instance writes the row, and `wipe` forgets it.
   */
  private owner: OwnerRow | null | undefined;

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    this.sql = ctx.storage.sql;
    this.outbox = this.createSchema();
    this.events = new ConversationEvents(this.sql);
    this.expiry = new IdleExpiry(ctx.storage, env.KNOWLEDGE);
  }

  private createSchema(): D1Outbox {
    ensureSchema(this.ctx.storage, CONVERSATION_SCHEMA_VERSION, CONVERSATION_DDL);
    return new D1Outbox(this.sql, ARCHIVE_OUTBOX, { createTables: false });
  }

  async ping(): Promise<"pong"> {
    return "pong";
  }

  private ownerRow(): OwnerRow | undefined {
    if (this.owner === undefined) {
      this.owner =
        this.sql
          .exec<OwnerRow>(
            "SELECT tenant_id, user_id, d1_binding, conversation_id, title, created_at FROM owner WHERE id = 1",
          )
          .toArray()[0] ?? null;
    }
    return this.owner ?? undefined;
  }

  /**
   * The owner row when `owner` is this conversation's owner. The caller's database (from the
   * tenant record, per request) replaces the stored one when they differ: a conversation begun
   * before its tenant moved to its own D1 archives, from then on, where the tenant now lives.
   */
  private isOwner(owner: ConversationOwner, row = this.ownerRow()) {
    if (!row || row.tenant_id !== owner.tenantId || row.user_id !== owner.userId) return undefined;
    const current = owner.d1Binding ?? null;
    if (row.d1_binding !== current) {
      this.sql.exec("UPDATE owner SET d1_binding = ? WHERE id = 1", current);
      row.d1_binding = current;
    }
    return row;
  }

  /** Stores the learner's message and returns the window of earlier messages, or null if not theirs. */
  async beginTurn(
    turn: BeginTurn,
  ): Promise<{ history: { role: "user" | "assistant"; content: string }[]; turns: number } | null> {
    const existing = this.ownerRow();
    if (existing) {
      if (!this.isOwner(turn.owner, existing)) return null;
    } else {
      if (!turn.create) return null;
      this.sql.exec(
        "INSERT INTO owner (id, tenant_id, user_id, d1_binding, conversation_id, title, created_at) VALUES (1, ?, ?, ?, ?, ?, ?)",
        turn.owner.tenantId,
        turn.owner.userId,
        turn.owner.d1Binding ?? null,
        turn.conversationId,
        turn.title,
        turn.at,
      );
      this.owner = {
        tenant_id: turn.owner.tenantId,
        user_id: turn.owner.userId,
        d1_binding: turn.owner.d1Binding ?? null,
        conversation_id: turn.conversationId,
        title: turn.title,
        created_at: turn.at,
      };
    }
    // A conversation created just now has nothing earlier to read.
    const window =
      existing && turn.windowSize > 0
        ? this.sql
            .exec<{ seq: number; role: "user" | "assistant"; content: string }>(
              "SELECT seq, role, content FROM (SELECT seq, role, content FROM messages ORDER BY seq DESC LIMIT ?) ORDER BY seq",
              turn.windowSize,
            )
            .toArray()
        : [];
    // Messages are only ever appended (an erasure wipes the whole object, its sequence with it),
    // so the newest message's seq is how many there are: no COUNT(*) over the conversation.
    const turns = window.at(-1)?.seq ?? 0;
    const history = window.map(({ role, content }) => ({ role, content }));
    this.append({
      messageId: turn.messageId,
      role: "user",
      content: turn.content,
      provider: null,
      tokens: 0,
      createdAt: turn.at,
    });
    await this.expiry.noteActivity(turn.owner.tenantId, Date.now(), turn.retention);
    await scheduleAlarmBy(this.ctx.storage, Date.now() + ARCHIVE_BACKSTOP_MS);
    return { history, turns };
  }

  /** Stores the answer and queues the turn (the learner's message with it) for D1 as one entry. */
  async finishTurn(turn: FinishTurn): Promise<boolean> {
    const row = this.isOwner(turn.owner);
    if (!row) return false;
    this.append({
      messageId: turn.messageId,
      role: "assistant",
      content: turn.content,
      provider: turn.provider,
      tokens: turn.tokens,
      createdAt: turn.at,
    });
    if (turn.event) this.events.queue(turn.event, turn.analyticsCaller ?? { tenantId: row.tenant_id });
    this.queueUnarchived(row);
    // The alarm archives and sends the event right after this turn returns, off the learner's path.
    await scheduleAlarmBy(this.ctx.storage, Date.now());
    return true;
  }

  /** The `limit` most recent messages, oldest first. */
  async history(owner: ConversationOwner, limit: number): Promise<StoredMessage[] | null> {
    if (!this.isOwner(owner)) return null;
    return this.sql
      .exec<MessageRow>(
        `SELECT message_id, role, content, provider, tokens, created_at FROM
           (SELECT * FROM messages ORDER BY seq DESC LIMIT ?) ORDER BY seq`,
        limit,
      )
      .toArray()
      .map(toMessage);
  }

  async exportFor(owner: ConversationOwner) {
    const row = this.isOwner(owner);
    if (!row) return null;
    const messages = this.sql
      .exec<MessageRow>("SELECT message_id, role, content, provider, tokens, created_at FROM messages ORDER BY seq")
      .toArray()
      .map(toMessage);
    return { conversationId: row.conversation_id, title: row.title, createdAt: row.created_at, messages };
  }

  /** Deletes everything, pending archive entries included, so nothing is replayed into D1 later. */
  async erase(owner: ConversationOwner): Promise<number> {
    if (!this.isOwner(owner)) return 0;
    const n = this.sql.exec<{ n: number }>("SELECT COUNT(*) AS n FROM messages").one().n;
    // A flush already on its way to D1 must land before the caller deletes the archive rows,
    // or it would write them back afterwards; joining it (or flushing now) settles that.
    await this.archive().catch(() => undefined);
    await this.wipe();
    return n;
  }

  private async wipe(): Promise<void> {
    await this.ctx.storage.deleteAlarm();
    await this.ctx.storage.deleteAll();
    this.owner = null;
    // The instance lives on until evicted and must answer "not found" from an empty schema.
    this.outbox = this.createSchema();
  }

  private append(m: StoredMessage) {
    this.sql.exec(
      "INSERT INTO messages (message_id, role, content, provider, tokens, created_at) VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (message_id) DO NOTHING",
      m.messageId,
      m.role,
      m.content,
      m.provider,
      m.tokens,
      m.createdAt,
    );
  }

  /** Messages stored here but not yet queued for D1. */
  private unqueued(limit: number): (MessageRow & { seq: number })[] {
    return this.sql
      .exec<MessageRow & { seq: number }>(
        "SELECT seq, message_id, role, content, provider, tokens, created_at FROM messages WHERE seq > (SELECT queued_seq FROM archive_mark WHERE id = 1) ORDER BY seq LIMIT ?",
        limit,
      )
      .toArray();
  }

  /**
   * Queues what is not yet queued, in runs of ARCHIVE_RUN messages, each run one outbox entry
   * keyed by its last message. Synchronous with the mark's move, so a message is queued once.
   */
  private queueUnarchived(row: OwnerRow): void {
    for (;;) {
      const run = this.unqueued(ARCHIVE_RUN);
      const last = run.at(-1);
      if (!last) return;
      this.outbox.enqueue({
        idempotencyKey: last.message_id,
        tenantId: row.tenant_id,
        statements: archiveStatements(
          {
            tenantId: row.tenant_id,
            conversationId: row.conversation_id,
            userId: row.user_id,
            title: row.title,
            createdAt: row.created_at,
          },
          run.map(toMessage),
        ),
      });
      this.sql.exec("UPDATE archive_mark SET queued_seq = ? WHERE id = 1", last.seq);
      if (run.length < ARCHIVE_RUN) return;
    }
  }

  /**
   * Expired or offboarded first: such a conversation is wiped, waiting archive rows with it, so
   * they never reach D1 (its D1 rows, if any, go with the retention sweep or the offboarding).
   */
  override async alarm(): Promise<void> {
    const waiting = this.outbox.pending() > 0 || this.unqueued(1).length > 0 || this.events.hasPending();
    if (await this.expiry.expireIfDue(waiting, () => this.wipe())) return;
    const row = this.ownerRow();
    await this.archive(row);
    if (row) await this.events.send(this.env, this.ctx.storage, { tenantId: row.tenant_id, d1Binding: row.d1_binding });
  }

  /**
   * Flushes the outbox now and waits for it, joining a flush already running (operators and
   * tests use it to know the archive is current); schedules the retry like the alarm does.
   */
  async archiveNow(): Promise<{ pending: number }> {
    return { pending: await this.archive() };
  }

  /** Queues what waits in the object (a turn that never finished, say), then flushes. */
  private async archive(row = this.ownerRow()): Promise<number> {
    if (!row) return 0;
    this.queueUnarchived(row);
    const d1 = tenantDb(this.env, {
      tenantId: row.tenant_id,
      service: "chat",
      d1Binding: row.d1_binding ?? undefined,
    }).d1;
    // Retries come from the alarm, with the shared outbox backoff.
    const { pending, error } = await flushOutbox(this.ctx.storage, this.outbox, d1, outboxBackoffFor(this.env), {
      pruneScope: `chat:${row.d1_binding ?? "DB"}`,
    });
    if (pending > 0) {
      createLogger({ service: "chat", conversationId: row.conversation_id }).warn("archive to D1 deferred", {
        pending,
        attempts: this.outbox.headAttempts(),
        error,
      });
    }
    return pending;
  }
}
