import type { HelpRequests } from "@atomic-guide/shared/help-requests";
import { snapshotKey } from "@atomic-guide/shared/resilience/fallback";
import { type AnalyticsTenant, analyticsDbFor } from "../db/access";
import { type CourseWindow, insightReads } from "../db/queries";

/** The default window: a list of who needs help now, not the term's history. */
export const HELP_REQUESTS_WINDOW_MS = 7 * 24 * 3_600_000;

/** The newest this many; an instructor works down a short list, not an archive. */
export const HELP_REQUESTS_LIMIT = 100;

/** Snapshots of the list are erased per tenant when a learner is erased (they hold names). */
export const helpRequestsPrefix = (tenantId: string) => snapshotKey(tenantId, "help-requests", "");
export const helpRequestsKey = (tenantId: string, contextId: string) =>
  snapshotKey(tenantId, "help-requests", contextId);

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
