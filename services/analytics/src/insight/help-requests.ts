import { snapshotKey } from "@atomic-guide/shared/resilience/fallback";
import * as v from "valibot";
import { type AnalyticsTenant, analyticsDbFor } from "../db/access";
import { type CourseWindow, insightReads } from "../db/queries";

/**
 * Learners of one course who said yes when the guide offered to tell their instructor
 * (intervention kind `instructor_notified`): the instructor's list of who to help, with the name
 * each learner agreed to be shown by. A learner who said no, or was never asked, is not here.
 */
export interface HelpRequests {
  contextId: string;
  from: string;
  to: string;
  requests: { interventionId: string; userId: string; name: string | null; elementId: string | null; at: string }[];
}

/** The default window: a list of who needs help now, not the term's history. */
export const HELP_REQUESTS_WINDOW_MS = 7 * 24 * 3_600_000;

/** The newest this many; an instructor works down a short list, not an archive. */
export const HELP_REQUESTS_LIMIT = 100;

/** Snapshots of the list are erased per tenant when a learner is erased (they hold names). */
export const helpRequestsPrefix = (tenantId: string) => snapshotKey(tenantId, "help-requests", "");
export const helpRequestsKey = (tenantId: string, contextId: string) =>
  snapshotKey(tenantId, "help-requests", contextId);

export const HelpRequestsSchema = v.object({
  contextId: v.string(),
  from: v.string(),
  to: v.string(),
  requests: v.array(
    v.object({
      interventionId: v.string(),
      userId: v.string(),
      name: v.nullable(v.string()),
      elementId: v.nullable(v.string()),
      at: v.string(),
    }),
  ),
});

export async function helpRequests(
  env: Env,
  window: CourseWindow & Pick<AnalyticsTenant, "d1Binding">,
): Promise<HelpRequests> {
  const { db } = analyticsDbFor(env, window);
  const rows = await insightReads.helpRequests(db, window, HELP_REQUESTS_LIMIT).execute();
  return {
    contextId: window.contextId,
    from: window.from,
    to: window.to,
    requests: rows.map((r) => ({
      interventionId: r.intervention_id ?? "",
      userId: r.user_id,
      name: r.learner_name,
      elementId: r.element_id,
      at: r.at,
    })),
  };
}
