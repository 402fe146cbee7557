import { type AuthContext, nowIso } from "@atomic-guide/shared";
import { beginSession } from "../detection/detector";
import { queueEvent } from "./analytics-queue";
import type { LearnerRuntime } from "./runtime";

/** A learner gone this long has left; the next signal opens a new session. */
export const SESSION_IDLE_MS = 30 * 60_000;

/**
 * The named session, else the latest one if still active, else a new one. Sessions open here,
 * at a page's first signal, not at the launch: the launch names the session in the page and the
 * caller's token carries the launch, which the new session records.
 */
export function resolveSession(rt: LearnerRuntime, auth: AuthContext, now: number, requested?: string): string {
  if (requested) {
    if (rt.store.session(requested)) return requested;
    return startSession(rt, auth, now, requested);
  }
  const latest = rt.store.latestSession();
  if (latest && now - latest.last_activity_ms < SESSION_IDLE_MS) return latest.session_id;
  return startSession(rt, auth, now, crypto.randomUUID());
}

/**
 * Opens a session: the row is stored marked for the alarm's debounced D1 copy (with the
 * batch's counters, one D1 batch) and its session_started event is queued for analytics; the
 * caller saves the detector state and counters with the rest of the batch.
 */
function startSession(rt: LearnerRuntime, auth: AuthContext, now: number, sessionId: string): string {
  const startedAt = nowIso(now);
  rt.store.insertSession({
    session_id: sessionId,
    launch_id: auth.launchId ?? null,
    context_id: auth.contextId ?? null,
    started_at: startedAt,
    last_signal_at: null,
    signal_count: 0,
    struggle_count: 0,
    intervention_count: 0,
    peak_score: 0,
    last_activity_ms: now,
  });
  rt.state = beginSession(rt.state);
  rt.counters.sessions += 1;
  queueEvent(rt, auth, { type: "session_started", eventId: `session:${sessionId}`, sessionId, at: startedAt });
  return sessionId;
}
