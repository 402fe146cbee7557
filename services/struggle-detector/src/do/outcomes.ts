import { type AuthContext, notFound, nowIso } from "@atomic-guide/shared";
import type { InterventionKind } from "@atomic-guide/shared/interventions";
import * as statements from "../db/statements";
import { type Dismissals, noteResponse } from "../interventions/backoff";
import { countRating } from "../interventions/course-outcomes";
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
  const db = learnerDb(rt, auth);
  const driver = (JSON.parse(row.drivers) as string[])[0];
  const rated = action === "helpful" || action === "not_helpful";
  enqueueD1(rt, auth, `outcome:${interventionId}:${action}:${at}`, [
    statements.setOutcome(db, learnerOf(auth), interventionId, action, at),
    ...(rated && driver && auth.contextId
      ? [countRating(db, auth.tenantId, auth.contextId, driver, row.kind, action === "helpful")]
      : []),
  ]);
  const kind = row.kind as InterventionKind;
  rt.store.setMeta(
    "dismissals",
    noteResponse(rt.store.getMeta<Dismissals>("dismissals") ?? {}, kind, action, Date.now()),
  );
  queueEvent(rt, auth, {
    type: "intervention_responded",
    eventId: `${interventionId}:${action}`,
    interventionId,
    action,
    at,
  });
  // Only the learner's yes tells the instructor, by the name from the launch: the offer alone
  // names no one.
  if (action === "accepted" && row.kind === "instructor_notified")
    queueEvent(rt, auth, {
      type: "help_requested",
      eventId: `${interventionId}:help`,
      interventionId,
      at,
      ...(row.element_id ? { elementId: row.element_id } : {}),
      ...(auth.name ? { learnerName: auth.name } : {}),
    });
  rt.store.setMeta("profileDirty", true);
  return publicIntervention({ ...row, outcome: action, responded_at: at });
}
