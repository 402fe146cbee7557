import { DurableObject } from "cloudflare:workers";
import {
  type AnalyticsRpc,
  ApiError,
  type AuthContext,
  AuthContextSchema,
  authContextFrom,
  type ChatRpc,
  createLogger,
  errorFields,
  IdSchema,
  isApiErrorLike,
  type LearnerProfile,
  type LearningEvent,
  notFound,
  nowIso,
  type OpenSessionRequest,
  OpenSessionRequestSchema,
  parseWith,
  type RpcBinding,
  tenantDb,
} from "@atomic-guide/shared";
import { D1Outbox } from "@atomic-guide/shared/resilience/outbox";
import * as v from "valibot";
import { type DetectorConfig, loadTenantConfig } from "../config";
import type { StruggleDb } from "../db/schema";
import * as statements from "../db/statements";
import { type DetectorState, initialState, type LevelChange, step, topDrivers } from "../detection/detector";
import { MAX_SIGNAL_AGE_MS, prepareBatch, type SignalBatch, SignalBatchSchema } from "../detection/signals";
import {
  chatFallback,
  type DeliveryLedger,
  emptyLedger,
  mayIntervene,
  messageFor,
  type Plan,
  planIntervention,
  recordDelivery,
} from "../interventions/policy";
import { type PublicIntervention, publicIntervention, withTimeout } from "./delivery";
import { type InterventionRow, LocalStore } from "./local-store";
import {
  changedMeaningfully,
  chatProfile,
  emptyCounters,
  noteStruggleElement,
  type ProfileCounters,
  publicProfile,
  round,
} from "./profile";

const SERVICE = "struggle-detector";
/** A learner gone this long has left; the next signal opens a new session. */
export const SESSION_IDLE_MS = 30 * 60_000;
/** Session and profile rows reach D1 at most this often: a burst of batches becomes one write. */
export const D1_DEBOUNCE_MS = 10_000;
const RETRY_BASE_MS = 5_000;
const RETRY_MAX_MS = 5 * 60_000;
const CHAT_TIMEOUT_MS = 3_000;
const RPC_TIMEOUT_MS = 2_000;
const ANALYTICS_BATCH = 200;
const CONFIG_TTL_MS = 60_000;

export const RESPOND_ACTIONS = ["accepted", "dismissed", "helpful", "not_helpful"] as const;
export const RespondSchema = v.object({
  action: v.picklist(RESPOND_ACTIONS, "must be accepted, dismissed, helpful or not_helpful"),
});
export type RespondAction = (typeof RESPOND_ACTIONS)[number];

const SocketMessageSchema = v.variant("type", [
  v.object({
    type: v.literal("signals"),
    sessionId: SignalBatchSchema.entries.sessionId,
    signals: SignalBatchSchema.entries.signals,
  }),
]);

const AttachmentSchema = v.object({ auth: AuthContextSchema, sessionId: v.optional(IdSchema) });

/** PUT /api/learners/me/consent body. */
export const ConsentInputSchema = v.strictObject({ profiling: v.boolean() });
const ConsentRecordSchema = v.object({ profiling: v.boolean(), updatedAt: v.nullable(v.string()) });
export type ConsentRecord = v.InferOutput<typeof ConsentRecordSchema>;

export interface IngestResult {
  accepted: number;
  duplicates: number;
  sessionId: string;
  struggle: { score: number; level: DetectorState["level"] };
  intervention?: PublicIntervention;
}

interface Owner {
  tenantId: string;
  userId: string;
  d1Binding?: string | undefined;
  contextId?: string | undefined;
}

/**
 * Real-time detection state for ONE LEARNER OF ONE TENANT (named `${tenantId}:${userId}`).
 * Per learner rather than per session because everything that limits nagging is per learner:
 * the cooldown and the daily cap must hold across tabs and sessions, and the running median of
 * dwell times is the learner's own baseline, which a fresh per-session object would relearn
 * every launch. It also gives one place for a learner's sockets, history and erasure.
 * All state lives in this object's SQLite, read on construction, so eviction loses nothing.
 */
export class StruggleDetectorDO extends DurableObject<Env> {
  private store: LocalStore;
  private outbox: D1Outbox;
  private state: DetectorState;
  private counters: ProfileCounters;
  private config: { value: DetectorConfig; loadedAt: number } | undefined;
  private readonly log = createLogger({ service: SERVICE, component: "StruggleDetectorDO" });

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    this.store = new LocalStore(ctx.storage.sql);
    this.outbox = new D1Outbox(ctx.storage.sql, "d1");
    this.state = this.store.getMeta<DetectorState>("state") ?? initialState();
    this.counters = this.store.getMeta<ProfileCounters>("counters") ?? emptyCounters(nowIso());
    // Heartbeats are answered without waking the object, so an idle open tab costs nothing.
    ctx.setWebSocketAutoResponse(new WebSocketRequestResponsePair("ping", "pong"));
  }

  async ping(): Promise<"pong"> {
    return "pong";
  }

  // ---- RPC from the entrypoint ----

  async ingestBatch(authInput: AuthContext, batchInput: SignalBatch): Promise<IngestResult> {
    const auth = this.claim(authInput);
    const batch = parseWith(SignalBatchSchema, batchInput);
    return this.ingest(auth, batch);
  }

  async openSession(authInput: AuthContext, requestInput: OpenSessionRequest): Promise<{ sessionId: string }> {
    const auth = this.claim(authInput);
    const request = parseWith(OpenSessionRequestSchema, requestInput);
    const now = Date.now();
    if (request.sessionId && this.store.session(request.sessionId)) return { sessionId: request.sessionId };
    const sessionId = this.startSession(auth, now, request.sessionId ?? crypto.randomUUID(), request.launchId);
    await this.afterWrite();
    return { sessionId };
  }

  async respond(
    authInput: AuthContext,
    interventionId: string,
    actionInput: { action: RespondAction },
  ): Promise<PublicIntervention> {
    const auth = this.claim(authInput);
    const { action } = parseWith(RespondSchema, actionInput);
    const row = this.store.intervention(interventionId);
    if (!row) throw notFound("No such intervention.");
    const at = nowIso();
    this.store.setOutcome(interventionId, action, at);
    this.counters.outcomes[action] += 1;
    this.counters.updatedAt = at;
    this.store.setMeta("counters", this.counters);
    const db = this.db(auth);
    this.enqueue(auth, `outcome:${interventionId}:${action}:${at}`, [
      statements.setOutcome(db, this.who(auth), interventionId, action, at),
    ]);
    this.queueEvent(auth, {
      type: "intervention_responded",
      eventId: `${interventionId}:${action}`,
      interventionId,
      action,
      at,
    });
    this.store.setMeta("profileDirty", true);
    await this.afterWrite();
    return publicIntervention({ ...row, outcome: action, responded_at: at });
  }

  /** The learner's consent to profiling: on until they turn it off (the institution's basis). */
  async consent(authInput: AuthContext): Promise<ConsentRecord> {
    this.claim(authInput);
    return this.currentConsent();
  }

  /**
   * Records the learner's choice. With profiling off, no signal is accepted (HTTP or socket)
   * and nothing new is learned about them; what is already held stays until they erase it.
   */
  async setConsent(authInput: AuthContext, input: unknown): Promise<ConsentRecord> {
    const auth = this.claim(authInput);
    const { profiling } = parseWith(ConsentInputSchema, input);
    const record: ConsentRecord = { profiling, updatedAt: nowIso() };
    this.store.setMeta("owner", this.ownerOf(auth));
    this.store.setMeta("consent", record);
    return record;
  }

  private currentConsent(): ConsentRecord {
    const stored = v.safeParse(ConsentRecordSchema, this.store.getMeta("consent"));
    return stored.success ? stored.output : { profiling: true, updatedAt: null };
  }

  async profile(authInput: AuthContext) {
    this.claim(authInput);
    return publicProfile(this.counters, this.state);
  }

  async exportData(authInput: AuthContext) {
    this.claim(authInput);
    return {
      consent: this.currentConsent(),
      profile: publicProfile(this.counters, this.state),
      sessions: this.store.sessions().map(({ dirty: _dirty, last_activity_ms: _last, ...s }) => s),
      struggleEvents: this.store.struggleEvents().map((e) => ({ ...e, drivers: JSON.parse(e.drivers) as string[] })),
      interventions: this.store.interventions().map(publicIntervention),
      recentSignals: this.store.recentSignals(),
    };
  }

  /**
   * Wipes this object (state, signals, history, pending outbox copies that would re-create rows)
   * and then deletes the learner's D1 rows: directly when D1 answers, otherwise through a fresh
   * outbox entry that the alarm retries until it lands.
   */
  async erase(authInput: AuthContext): Promise<{ deleted: number }> {
    const auth = this.claim(authInput);
    let deleted = this.store.learnerRowCount();
    for (const ws of this.ctx.getWebSockets()) ws.close(1000, "erased");
    await this.ctx.storage.deleteAlarm();
    await this.ctx.storage.deleteAll();
    // deleteAll drops the tables too; recreate them empty.
    this.store = new LocalStore(this.ctx.storage.sql);
    this.outbox = new D1Outbox(this.ctx.storage.sql, "d1");
    this.state = initialState();
    this.counters = emptyCounters(nowIso());
    this.config = undefined;
    const db = this.db(auth);
    const erase = statements.eraseLearner(db, this.who(auth));
    try {
      const d1 = tenantDb<StruggleDb>(this.env, this.tenantRef(auth)).d1;
      const results = await d1.batch(erase.map((s) => d1.prepare(s.sql).bind(...(s.params ?? []))));
      deleted += results.reduce((n, r) => n + (r.meta.changes ?? 0), 0);
    } catch (e) {
      this.log.warn("erase deferred to outbox", errorFields(e));
      this.store.setMeta("owner", this.ownerOf(auth));
      this.enqueue(auth, `erase:${Date.now()}`, erase);
      await this.scheduleAlarm(Date.now() + RETRY_BASE_MS);
    }
    return { deleted };
  }

  // ---- WebSocket (hibernatable) ----

  override async fetch(request: Request): Promise<Response> {
    if (request.headers.get("Upgrade")?.toLowerCase() !== "websocket") {
      return Response.json(
        { error: { code: "upgrade_required", message: "Expected a WebSocket upgrade." } },
        { status: 426 },
      );
    }
    const auth = this.claim(authContextFrom(request));
    const pair = new WebSocketPair();
    const [client, server] = [pair[0], pair[1]];
    this.ctx.acceptWebSocket(server);
    const requested = new URL(request.url).searchParams.get("sessionId");
    const sessionId = requested === null ? undefined : parseWith(IdSchema, requested, "invalid_query");
    server.serializeAttachment({ auth, ...(sessionId ? { sessionId } : {}) });
    return new Response(null, { status: 101, webSocket: client });
  }

  override async webSocketMessage(ws: WebSocket, message: string | ArrayBuffer): Promise<void> {
    const attachment = v.safeParse(AttachmentSchema, ws.deserializeAttachment());
    if (!attachment.success) {
      ws.close(1008, "unknown connection");
      return;
    }
    try {
      if (typeof message !== "string" || message.length > 256 * 1024) {
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
      const result = await this.ingest(this.claim(attachment.output.auth), {
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
      const body =
        isApiErrorLike(e) && e.status < 500
          ? { code: e.code, message: e.message }
          : { code: "internal_error", message: "Something went wrong on our side." };
      if (!isApiErrorLike(e)) this.log.error("socket message failed", errorFields(e));
      ws.send(JSON.stringify({ type: "error", ...body }));
    }
  }

  override async webSocketClose(ws: WebSocket, code: number): Promise<void> {
    // Codes 1005/1006 are reserved and may not be sent back; answer with a normal closure.
    try {
      ws.close(code === 1005 || code === 1006 ? 1000 : code, "closing");
    } catch {
      // Already closed by the runtime's automatic close reply.
    }
  }

  override async webSocketError(): Promise<void> {}

  // ---- Alarm: debounced D1 copies, retries, analytics, chat profile ----

  override async alarm(): Promise<void> {
    const owner = this.store.getMeta<Owner>("owner");
    if (!owner) return;
    const auth = this.authOf(owner);
    this.copyToD1(auth);
    this.store.pruneSignals(Date.now() - MAX_SIGNAL_AGE_MS);
    const healthy = (await this.flushAll(auth)) && (await this.pushProfile(auth));
    if (healthy) {
      this.store.setMeta("retries", 0);
      return;
    }
    const retries = (this.store.getMeta<number>("retries") ?? 0) + 1;
    this.store.setMeta("retries", retries);
    await this.scheduleAlarm(Date.now() + Math.min(RETRY_MAX_MS, RETRY_BASE_MS * 2 ** (retries - 1)), true);
  }

  // ---- internals ----

  private async ingest(auth: AuthContext, batch: SignalBatch): Promise<IngestResult> {
    if (!this.currentConsent().profiling) {
      throw new ApiError(
        403,
        "consent_withdrawn",
        "You have turned off learning-signal analysis; no signals are kept.",
      );
    }
    const now = Date.now();
    const prepared = prepareBatch(batch.signals, now);
    const config = await this.configFor(auth.tenantId);
    const sessionsBefore = this.counters.sessions;
    const sessionId = this.resolveSession(auth, now, batch.sessionId);
    const newSession = this.counters.sessions !== sessionsBefore;

    let accepted = 0;
    let lastSignalAt: string | null = null;
    const changes: LevelChange[] = [];
    for (const s of prepared) {
      if (!this.store.insertSignal({ ...s, sessionId })) continue;
      accepted += 1;
      lastSignalAt = s.at;
      const result = step(this.state, s, config);
      if (result.levelChange) changes.push(result.levelChange);
    }

    const raised = changes.filter((c) => rank(c.to) > rank(c.from));
    for (const change of raised) this.recordStruggle(auth, sessionId, change);

    // Read per batch rather than cached: it is one row, and it is the rate limit that must never be wrong.
    const ledger = this.store.getMeta<DeliveryLedger>("ledger") ?? emptyLedger();
    const gate = mayIntervene(this.state.level, ledger, now, config);
    let plan: Plan | undefined;
    if (gate.allowed && accepted > 0) {
      plan = planIntervention(this.state, topDrivers(this.state), config);
      // Reserved before any await, so a concurrent batch cannot pass the same gate.
      this.store.setMeta("ledger", recordDelivery(ledger, now));
    }
    this.counters.signals += accepted;
    this.counters.updatedAt = nowIso(now);
    this.store.touchSession(sessionId, {
      signals: accepted,
      lastSignalAt,
      score: round(this.state.score),
      struggles: raised.length,
      interventions: plan ? 1 : 0,
      nowMs: now,
    });
    this.saveHot();

    const intervention = plan ? await this.deliver(auth, sessionId, plan, now) : undefined;
    if (accepted > 0) await this.scheduleAlarm(now + D1_DEBOUNCE_MS);
    // What a learner or instructor looks for right away goes to D1 now; counters wait for the alarm.
    if (newSession || raised.length > 0 || intervention) await this.afterWrite();
    else if (this.profileDue(auth)) await this.pushProfile(auth);

    return {
      accepted,
      duplicates: batch.signals.length - accepted,
      sessionId,
      struggle: { score: round(this.state.score), level: this.state.level },
      ...(intervention ? { intervention } : {}),
    };
  }

  private recordStruggle(auth: AuthContext, sessionId: string, change: LevelChange): void {
    const level = change.to === "struggling" ? "struggling" : "watch";
    const row = {
      event_id: crypto.randomUUID(),
      session_id: sessionId,
      element_id: change.elementId ?? null,
      level,
      score: round(change.score),
      drivers: JSON.stringify(change.drivers),
      detected_at: nowIso(change.atMs),
    } as const;
    this.store.insertStruggleEvent(row);
    this.counters.struggleEvents += 1;
    if (level === "struggling") noteStruggleElement(this.counters, change.elementId);
    this.enqueue(auth, `struggle:${row.event_id}`, [
      statements.insertStruggleEvent(this.db(auth), this.who(auth), row),
    ]);
    this.queueEvent(auth, {
      type: "struggle_detected",
      eventId: row.event_id,
      sessionId,
      score: row.score,
      level,
      at: row.detected_at,
      ...(change.elementId ? { elementId: change.elementId } : {}),
    });
  }

  private async deliver(auth: AuthContext, sessionId: string, planned: Plan, now: number): Promise<PublicIntervention> {
    let plan = planned;
    let suggestion: { text: string; provider: string } | undefined;
    if (plan.kind === "chat_offer") {
      try {
        const chat = this.env.CHAT as RpcBinding<ChatRpc>;
        const result = await withTimeout(
          chat.suggest(auth, {
            trigger: plan.trigger ?? "struggle",
            ...(plan.elementId ? { elementId: plan.elementId, pageContext: { elementId: plan.elementId } } : {}),
            learnerProfile: chatProfile(this.counters, this.state, nowIso(now)),
          }),
          CHAT_TIMEOUT_MS,
        );
        const text = typeof result?.suggestion === "string" ? result.suggestion.slice(0, 2_000) : "";
        if (!text) throw new Error("empty suggestion");
        suggestion = { text, provider: typeof result.provider === "string" ? result.provider.slice(0, 64) : "unknown" };
      } catch (e) {
        this.log.warn("chat suggestion unavailable; offering a fallback", errorFields(e));
        plan = chatFallback(plan);
      }
    }
    const sockets = this.ctx.getWebSockets();
    const row: InterventionRow = {
      intervention_id: crypto.randomUUID(),
      session_id: sessionId,
      kind: plan.kind,
      element_id: plan.elementId ?? null,
      message: messageFor(plan.kind),
      suggestion: suggestion?.text ?? null,
      provider: suggestion?.provider ?? null,
      drivers: JSON.stringify(plan.drivers),
      delivered_via: sockets.length > 0 ? "websocket" : "http",
      created_at: nowIso(now),
      outcome: null,
      responded_at: null,
    };
    this.store.insertIntervention(row);
    this.counters.interventions += 1;
    this.store.setMeta("counters", this.counters);
    this.enqueue(auth, `intervention:${row.intervention_id}`, [
      statements.insertIntervention(this.db(auth), this.who(auth), row),
    ]);
    this.queueEvent(auth, {
      type: "intervention_delivered",
      eventId: row.intervention_id,
      interventionId: row.intervention_id,
      kind: row.kind,
      at: row.created_at,
      ...(row.element_id ? { elementId: row.element_id } : {}),
    });
    const intervention = publicIntervention(row);
    const push = JSON.stringify({ type: "intervention", intervention });
    for (const ws of sockets) {
      try {
        ws.send(push);
      } catch {
        // A socket closing under us still gets the intervention from history or the HTTP reply.
      }
    }
    return intervention;
  }

  /** Learning events wait in SQLite until analytics has them, so an analytics outage loses none. */
  private queueEvent(
    auth: AuthContext,
    event: DistributiveOmit<LearningEvent, "tenantId" | "userId" | "contextId">,
  ): void {
    const full = {
      ...event,
      tenantId: auth.tenantId,
      userId: auth.userId,
      ...(auth.contextId ? { contextId: auth.contextId } : {}),
    };
    this.store.queueEvent(event.eventId, full);
  }

  private resolveSession(auth: AuthContext, now: number, requested: string | undefined): string {
    if (requested) {
      if (this.store.session(requested)) return requested;
      return this.startSession(auth, now, requested, undefined);
    }
    const latest = this.store.latestSession();
    if (latest && now - latest.last_activity_ms < SESSION_IDLE_MS) return latest.session_id;
    return this.startSession(auth, now, crypto.randomUUID(), undefined);
  }

  private startSession(auth: AuthContext, now: number, sessionId: string, launchId: string | undefined): string {
    const row = {
      session_id: sessionId,
      launch_id: launchId ?? null,
      context_id: auth.contextId ?? null,
      started_at: nowIso(now),
      last_signal_at: null,
      signal_count: 0,
      struggle_count: 0,
      intervention_count: 0,
      peak_score: 0,
      last_activity_ms: now,
    };
    this.store.insertSession(row);
    this.counters.sessions += 1;
    this.store.setMeta("counters", this.counters);
    this.enqueue(auth, `session:${sessionId}`, [
      statements.upsertSession(this.db(auth), this.who(auth), { ...row, dirty: 0 }),
    ]);
    this.queueEvent(auth, { type: "session_started", eventId: `session:${sessionId}`, sessionId, at: row.started_at });
    return sessionId;
  }

  /** Copies changed sessions and the profile to D1 as one outbox entry. */
  private copyToD1(auth: AuthContext): void {
    const dirty = this.store.takeDirtySessions();
    const profileDirty = this.store.getMeta<boolean>("profileDirty") ?? dirty.length > 0;
    if (dirty.length === 0 && !profileDirty) return;
    const db = this.db(auth);
    const who = this.who(auth);
    const at = nowIso();
    this.enqueue(auth, `copy:${at}:${crypto.randomUUID()}`, [
      ...dirty.map((s) => statements.upsertSession(db, who, s)),
      statements.upsertProfile(db, who, publicProfile(this.counters, this.state), at),
    ]);
    this.store.setMeta("profileDirty", false);
  }

  /** Flushes the outbox and the analytics queue; true when nothing is left waiting. */
  private async flushAll(auth: AuthContext): Promise<boolean> {
    let ok = true;
    if (this.outbox.pending() > 0) {
      try {
        const result = await this.outbox.flush(tenantDb<StruggleDb>(this.env, this.tenantRef(auth)).d1);
        if (result.pending > 0) ok = false;
      } catch (e) {
        this.log.warn("outbox flush failed", errorFields(e));
        ok = false;
      }
    }
    const queued = this.store.queuedEvents(ANALYTICS_BATCH);
    const last = queued.at(-1);
    if (last) {
      try {
        const analytics = this.env.ANALYTICS as RpcBinding<
          AnalyticsRpc & { recordLearningEvents(events: LearningEvent[]): Promise<{ stored: number }> }
        >;
        await withTimeout(
          analytics.recordLearningEvents(queued.map((q) => JSON.parse(q.body) as LearningEvent)),
          RPC_TIMEOUT_MS,
        );
        this.store.dropQueuedEvents(last.seq);
        if (this.store.queuedEventCount() > 0) ok = false;
      } catch (e) {
        this.log.warn("analytics unavailable; events stay queued", errorFields(e));
        ok = false;
      }
    }
    return ok;
  }

  private async afterWrite(): Promise<void> {
    const owner = this.store.getMeta<Owner>("owner");
    if (!owner) return;
    const auth = this.authOf(owner);
    const ok = await this.flushAll(auth);
    if (this.profileDue(auth)) await this.pushProfile(auth);
    if (!ok) await this.scheduleAlarm(Date.now() + RETRY_BASE_MS);
  }

  private profileDue(_auth: AuthContext): boolean {
    const next = chatProfile(this.counters, this.state, nowIso());
    return changedMeaningfully(this.store.getMeta<LearnerProfile>("pushedProfile"), next);
  }

  /** Tells chat about the learner when the profile changed meaningfully; true when chat is up to date. */
  private async pushProfile(auth: AuthContext): Promise<boolean> {
    const next = chatProfile(this.counters, this.state, nowIso());
    if (!changedMeaningfully(this.store.getMeta<LearnerProfile>("pushedProfile"), next)) return true;
    try {
      const chat = this.env.CHAT as RpcBinding<ChatRpc>;
      await withTimeout(chat.updateLearnerProfile(auth, next), RPC_TIMEOUT_MS);
      this.store.setMeta("pushedProfile", next);
      return true;
    } catch (e) {
      this.log.warn("chat profile push failed", errorFields(e));
      await this.scheduleAlarm(Date.now() + RETRY_BASE_MS);
      return false;
    }
  }

  private enqueue(auth: AuthContext, idempotencyKey: string, list: statements.Statement[]): void {
    this.outbox.enqueue({ idempotencyKey, tenantId: auth.tenantId, statements: list });
  }

  private saveHot(): void {
    this.store.setMeta("state", this.state);
    this.store.setMeta("counters", this.counters);
    this.store.setMeta("profileDirty", true);
  }

  private async scheduleAlarm(at: number, force = false): Promise<void> {
    const current = await this.ctx.storage.getAlarm();
    if (force || current === null || current > at) await this.ctx.storage.setAlarm(at);
  }

  private async configFor(tenantId: string): Promise<DetectorConfig> {
    const now = Date.now();
    if (this.config && now - this.config.loadedAt < CONFIG_TTL_MS) return this.config.value;
    const { config, error } = await loadTenantConfig(this.env.TENANT_CONFIG, tenantId);
    if (error) this.log.warn("tenant detector config rejected; using defaults", { tenantId, reason: error });
    this.config = { value: config, loadedAt: now };
    return config;
  }

  /** Validates the caller and binds this object to its learner on first use; a mismatch is a routing bug. */
  private claim(input: AuthContext): AuthContext {
    const auth = parseWith(AuthContextSchema, input);
    const owner = this.store.getMeta<Owner>("owner");
    if (owner && (owner.tenantId !== auth.tenantId || owner.userId !== auth.userId)) {
      throw new Error("StruggleDetectorDO reached for a learner it does not belong to");
    }
    const next = this.ownerOf(auth);
    if (!owner || owner.d1Binding !== next.d1Binding || owner.contextId !== next.contextId)
      this.store.setMeta("owner", next);
    return auth;
  }

  private ownerOf(auth: AuthContext): Owner {
    return { tenantId: auth.tenantId, userId: auth.userId, d1Binding: auth.d1Binding, contextId: auth.contextId };
  }

  private authOf(owner: Owner): AuthContext {
    return {
      tenantId: owner.tenantId,
      userId: owner.userId,
      roles: [],
      isInstructor: false,
      ...(owner.d1Binding ? { d1Binding: owner.d1Binding } : {}),
      ...(owner.contextId ? { contextId: owner.contextId } : {}),
    };
  }

  private tenantRef(auth: AuthContext) {
    return { tenantId: auth.tenantId, service: SERVICE, d1Binding: auth.d1Binding };
  }

  private db(auth: AuthContext) {
    return tenantDb<StruggleDb>(this.env, this.tenantRef(auth)).db;
  }

  private who(auth: AuthContext): statements.Learner {
    return { tenantId: auth.tenantId, userId: auth.userId, contextId: auth.contextId };
  }
}

const rank = (level: DetectorState["level"]) => (level === "none" ? 0 : level === "watch" ? 1 : 2);

type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;
