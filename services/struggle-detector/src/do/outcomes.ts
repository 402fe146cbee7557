import { type AuthContext, notFound, nowIso } from "@atomic-guide/shared";
import * as statements from "../db/statements";
import type { RespondAction } from "../routes/bodies";
import { queueEvent } from "./analytics-queue";
import { enqueueD1, learnerDb, learnerOf } from "./d1-sync";
import { type PublicIntervention, publicIntervention } from "./delivery";
import type { LearnerRuntime } from "./runtime";

/** Records what the learner did with an intervention: stored, copied to D1, sent to analytics. */
export function recordOutcome(
  rt: LearnerRuntime,
  auth: AuthContext,
  interventionId: string,
  action: RespondAction,
): PublicIntervention {
  const row = rt.store.intervention(interventionId);
  if (!row) throw notFound("No such intervention.");
  const at = nowIso();
  rt.store.setOutcome(interventionId, action, at);
  rt.counters.outcomes[action] += 1;
  rt.counters.updatedAt = at;
  rt.saveCounters();
  enqueueD1(rt, auth, `outcome:${interventionId}:${action}:${at}`, [
    statements.setOutcome(learnerDb(rt, auth), learnerOf(auth), interventionId, action, at),
  ]);
  queueEvent(rt, auth, {
    type: "intervention_responded",
    eventId: `${interventionId}:${action}`,
    interventionId,
    action,
    at,
  });
  rt.store.setMeta("profileDirty", true);
  return publicIntervention({ ...row, outcome: action, responded_at: at });
}
