import { DurableObject } from "cloudflare:workers";
import {
  type AuthContext,
  answerClose,
  authContextFrom,
  enforceSocketLimits,
  parseWith,
  recheckSockets,
  type SocketHost,
  type SocketPolicy,
} from "@atomic-guide/shared";
import { PageSchema } from "../db/history";
import { type SignalBatch, SignalBatchSchema } from "../detection/signals";
import { ConsentInputSchema, type RespondAction, RespondSchema } from "../routes/bodies";
import { markActivity, recordPendingActivity } from "./activity-mark";
import { type ConsentRecord, currentConsent, recordConsent } from "./consent";
import type { PublicIntervention } from "./delivery";
import { interventionsPage, sessionsPage } from "./history-pages";
import { expireIdleLearner } from "./idle-expiry";
import { type IngestResult, ingest } from "./ingest";
import { eraseLearnerData, exportLearnerData } from "./learner-data";
import { recordOutcome } from "./outcomes";
import { claim, ownerOf, storedOwner } from "./owner";
import { publicProfile } from "./profile";
import { LearnerRuntime } from "./runtime";
import { acceptSocket, handleSocketMessage, isUpgrade, signalsSocketHost, upgradeRequired } from "./sockets";
import { afterWrite, D1_DEBOUNCE_MS, runAlarm } from "./write-behind";

export type { IngestResult } from "./ingest";
export { SESSION_IDLE_MS } from "./sessions";
export { D1_DEBOUNCE_MS } from "./write-behind";

/**
 * Real-time detection state for ONE LEARNER OF ONE TENANT (named `${tenantId}:${userId}`).
 * Per learner rather than per session because everything that limits nagging is per learner:
 * the cooldown and the daily cap must hold across tabs and sessions, and the running median of
 * dwell times is the learner's own baseline, which a fresh per-session object would relearn
 * every launch. It also gives one place for a learner's sockets, history and erasure.
 * All state lives in this object's SQLite, read on construction, so eviction loses nothing.
 * The class only wires RPC, sockets and the alarm to the modules beside it.
 */
export class StruggleDetectorDO extends DurableObject<Env> {
  private readonly rt: LearnerRuntime;
  private readonly sockets: SocketHost;

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    this.rt = new LearnerRuntime(ctx, env);
    this.sockets = signalsSocketHost(ctx, env);
    // Heartbeats are answered without waking the object, so an idle open tab costs nothing.
    ctx.setWebSocketAutoResponse(new WebSocketRequestResponsePair("ping", "pong"));
  }

  async ping(): Promise<"pong"> {
    return "pong";
  }

  async ingestBatch(authInput: AuthContext, batchInput: SignalBatch): Promise<IngestResult> {
    const auth = claim(this.rt.store, authInput);
    return ingest(this.rt, auth, parseWith(SignalBatchSchema, batchInput));
  }

  async respond(
    authInput: AuthContext,
    interventionId: string,
    actionInput: { action: RespondAction },
  ): Promise<PublicIntervention> {
    const auth = claim(this.rt.store, authInput);
    const { action } = parseWith(RespondSchema, actionInput);
    const intervention = recordOutcome(this.rt, auth, interventionId, action);
    await afterWrite(this.rt);
    return intervention;
  }

  /** The learner's consent to profiling: on until they turn it off (the institution's basis). */
  async consent(authInput: AuthContext): Promise<ConsentRecord> {
    claim(this.rt.store, authInput);
    return currentConsent(this.rt.store);
  }

  /**
   * Records the learner's choice. With profiling off, no signal is accepted (HTTP or socket)
   * and nothing new is learned about them; what is already held stays until they erase it.
   */
  async setConsent(authInput: AuthContext, input: unknown): Promise<ConsentRecord> {
    const auth = claim(this.rt.store, authInput);
    const { profiling } = parseWith(ConsentInputSchema, input);
    this.rt.store.setMeta("owner", ownerOf(auth));
    const now = Date.now();
    markActivity(this.rt, now);
    await this.rt.scheduleAlarm(now + D1_DEBOUNCE_MS);
    return recordConsent(this.rt.store, profiling);
  }

  async profile(authInput: AuthContext) {
    claim(this.rt.store, authInput);
    return publicProfile(this.rt.counters, this.rt.state);
  }

  /** A page of the learner's sessions, newest first (`?cursor=&limit=`, as the route parsed them). */
  async sessionsPage(authInput: AuthContext, pageInput: unknown) {
    claim(this.rt.store, authInput);
    return sessionsPage(this.ctx.storage.sql, parseWith(PageSchema, pageInput));
  }

  async interventionsPage(authInput: AuthContext, pageInput: unknown) {
    claim(this.rt.store, authInput);
    return interventionsPage(this.ctx.storage.sql, parseWith(PageSchema, pageInput));
  }

  async exportData(authInput: AuthContext) {
    claim(this.rt.store, authInput);
    return exportLearnerData(this.rt);
  }

  async erase(authInput: AuthContext): Promise<{ deleted: number }> {
    return eraseLearnerData(this.rt, claim(this.rt.store, authInput));
  }

  override async fetch(request: Request): Promise<Response> {
    if (!isUpgrade(request)) return upgradeRequired();
    return acceptSocket(this.sockets, request, claim(this.rt.store, authContextFrom(request)));
  }

  override async webSocketMessage(ws: WebSocket, message: string | ArrayBuffer): Promise<void> {
    await handleSocketMessage(
      this.sockets,
      ws,
      message,
      (auth, batch) => ingest(this.rt, claim(this.rt.store, auth), batch),
      this.rt.log,
    );
  }

  override async webSocketClose(ws: WebSocket, code: number): Promise<void> {
    answerClose(ws, code);
  }

  override async webSocketError(): Promise<void> {}

  /** From the tenant's socket directory: a pushed policy change, checked against the open sockets now. */
  async recheckSockets(policy: SocketPolicy): Promise<{ open: number }> {
    return recheckSockets(this.sockets, policy);
  }

  /**
   * The activity noted since the last alarm, then retention (an expired object does nothing
   * else; none while an activity is still unrecorded), write-behind work, then the open sockets' limits.
   */
  override async alarm(): Promise<void> {
    const recorded = await recordPendingActivity(this.rt, storedOwner(this.rt.store)?.tenantId);
    if (recorded && (await expireIdleLearner(this.rt))) return;
    try {
      await runAlarm(this.rt);
    } finally {
      await enforceSocketLimits(this.sockets);
    }
  }
}
