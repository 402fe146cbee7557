import type { AuthContext } from "@atomic-guide/shared";
import { currentConsent } from "./consent";
import { enqueueD1, eraseFromD1 } from "./d1-sync";
import { publicIntervention } from "./delivery";
import { ownerOf } from "./owner";
import { publicProfile } from "./profile";
import { firstRetryDelayMs, type LearnerRuntime } from "./runtime";
import { closeAllRevoked } from "./sockets";

/** Everything the object holds about the learner, for the data export. */
export function exportLearnerData(rt: LearnerRuntime) {
  return {
    consent: currentConsent(rt.store),
    profile: publicProfile(rt.counters, rt.state),
    sessions: rt.store.sessions().map(({ dirty: _dirty, last_activity_ms: _last, ...s }) => s),
    struggleEvents: rt.store.struggleEvents().map((e) => ({ ...e, drivers: JSON.parse(e.drivers) as string[] })),
    interventions: rt.store.interventions().map(publicIntervention),
    recentSignals: rt.store.recentSignals(),
  };
}

/**
 * Wipes this object (state, signals, history, pending outbox copies that would re-create rows)
 * and then deletes the learner's D1 rows: directly when D1 answers, otherwise through a fresh
 * outbox entry that the alarm retries until it lands.
 */
export async function eraseLearnerData(rt: LearnerRuntime, auth: AuthContext): Promise<{ deleted: number }> {
  const deleted = rt.store.learnerRowCount();
  closeAllRevoked(rt.ctx);
  await rt.ctx.storage.deleteAlarm();
  await rt.ctx.storage.deleteAll();
  rt.reset();
  const d1 = await eraseFromD1(rt, auth);
  if (d1.done) return { deleted: deleted + d1.deleted };
  rt.store.setMeta("owner", ownerOf(auth));
  enqueueD1(rt, auth, `erase:${Date.now()}`, d1.statements);
  await rt.scheduleAlarm(Date.now() + firstRetryDelayMs(rt.env));
  return { deleted };
}
