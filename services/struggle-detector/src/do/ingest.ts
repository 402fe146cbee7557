import { ApiError, type AuthContext, nowIso } from "@atomic-guide/shared";
import * as statements from "../db/statements";
import { type DetectorState, type LevelChange, step, topDrivers } from "../detection/detector";
import { prepareBatch, type SignalBatch } from "../detection/signals";
import { backedOff, type Dismissals } from "../interventions/backoff";
import {
  type DeliveryLedger,
  emptyLedger,
  mayIntervene,
  type Plan,
  planIntervention,
  recordDelivery,
} from "../interventions/policy";
import { markActivity } from "./activity-mark";
import { queueEvent } from "./analytics-queue";
import { profileDue, pushProfile } from "./chat-profile";
import { currentConsent } from "./consent";
import { enqueueD1, learnerDb, learnerOf } from "./d1-sync";
import { deliver, type PublicIntervention } from "./delivery";
import { noteStruggleElement, round } from "./profile";
import type { LearnerRuntime } from "./runtime";
import { resolveSession } from "./sessions";
import { afterWrite, D1_DEBOUNCE_MS } from "./write-behind";

export interface IngestResult {
  accepted: number;
  duplicates: number;
  sessionId: string;
  struggle: { score: number; level: DetectorState["level"] };
  intervention?: PublicIntervention;
}

const rank = (level: DetectorState["level"]) => (level === "none" ? 0 : level === "watch" ? 1 : 2);

/**
 * One batch, from HTTP or a socket: de-duplicated, fed to the detector in time order, struggle
 * events recorded for each rise in level, and at most one intervention when the gate allows.
 */
export async function ingest(rt: LearnerRuntime, auth: AuthContext, batch: SignalBatch): Promise<IngestResult> {
  if (!currentConsent(rt.store).profiling) {
    throw new ApiError(403, "consent_withdrawn", "You have turned off learning-signal analysis; no signals are kept.");
  }
  const now = Date.now();
  const prepared = prepareBatch(batch.signals, now);
  const config = await rt.configFor(auth);
  const sessionsBefore = rt.counters.sessions;
  const sessionId = resolveSession(rt, auth, now, batch.sessionId);
  const newSession = rt.counters.sessions !== sessionsBefore;

  let accepted = 0;
  let lastSignalAt: string | null = null;
  const changes: LevelChange[] = [];
  for (const s of prepared) {
    if (!rt.store.insertSignal({ ...s, sessionId })) continue;
    accepted += 1;
    lastSignalAt = s.at;
    const result = step(rt.state, s, config);
    if (result.levelChange) changes.push(result.levelChange);
  }

  const raised = changes.filter((c) => rank(c.to) > rank(c.from));
  for (const change of raised) recordStruggle(rt, auth, sessionId, change);

  // Read per batch rather than cached: it is one row, and it is the rate limit that must never be wrong.
  const ledger = rt.store.getMeta<DeliveryLedger>("ledger") ?? emptyLedger();
  const gate = mayIntervene(rt.state.level, ledger, now, config);
  let plan: Plan | undefined;
  // A batch of only duplicates changed nothing, so it cannot be the reason for a new intervention.
  if (gate.allowed && accepted > 0) {
    // "Now" for the learner's own timeline (chatting) is the latest signal; the rate limit uses the server clock.
    plan = planIntervention(rt.state, topDrivers(rt.state), config, rt.state.lastAt ?? now, {
      outcomes: await rt.courseOutcomes(auth),
      backedOff: backedOff(rt.store.getMeta<Dismissals>("dismissals") ?? {}, now, config.cooldownMs),
      rng: Math.random,
    });
    // Reserved before any await, so a concurrent batch cannot pass the same gate.
    if (plan) rt.store.setMeta("ledger", recordDelivery(ledger, now));
  }
  rt.counters.signals += accepted;
  rt.counters.updatedAt = nowIso(now);
  rt.store.touchSession(sessionId, {
    signals: accepted,
    lastSignalAt,
    score: round(rt.state.score),
    struggles: raised.length,
    interventions: plan ? 1 : 0,
    nowMs: now,
  });
  rt.saveHot();

  const intervention = plan ? await deliver(rt, auth, sessionId, plan, now) : undefined;
  const active = accepted > 0 || newSession;
  if (active) markActivity(rt, now);
  // A struggle event or an intervention goes to D1 and analytics now (a learner or instructor
  // looks for them at once). A new session's row, its session_started event and the counters
  // wait for the alarm: the row is marked for the debounced copy, so it costs no D1 batch of its own.
  if (raised.length > 0 || intervention) await afterWrite(rt);
  else {
    if (active) await rt.scheduleAlarm(now + D1_DEBOUNCE_MS);
    if (profileDue(rt)) await pushProfile(rt, auth);
  }

  return {
    accepted,
    duplicates: batch.signals.length - accepted,
    sessionId,
    struggle: { score: round(rt.state.score), level: rt.state.level },
    ...(intervention ? { intervention } : {}),
  };
}

function recordStruggle(rt: LearnerRuntime, auth: AuthContext, sessionId: string, change: LevelChange): void {
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
  rt.store.insertStruggleEvent(row);
  rt.counters.struggleEvents += 1;
  if (level === "struggling") noteStruggleElement(rt.counters, change.elementId);
  enqueueD1(rt, auth, `struggle:${row.event_id}`, [
    statements.insertStruggleEvent(learnerDb(rt, auth), learnerOf(auth), row),
  ]);
  queueEvent(rt, auth, {
    type: "struggle_detected",
    eventId: row.event_id,
    sessionId,
    score: row.score,
    level,
    at: row.detected_at,
    ...(change.elementId ? { elementId: change.elementId } : {}),
  });
}
