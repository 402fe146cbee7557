import { createLogger, errorFields } from "@atomic-guide/shared";
import * as v from "valibot";
import { PENDING_PREFIX, PendingMetadataSchema } from "./pending";

/**
 * The pending socket announcements (sockets/pending.ts) as /health reports them: how many there
 * are and how long the oldest has waited. The per-minute cron retries each one, so a marker a
 * few minutes old means a service has been refusing the push for several runs: the sockets it
 * should have closed stay open until the services' own re-check or their token's expiry.
 */
export interface PendingAnnouncementsHealth {
  status: "ok" | "degraded";
  /** Null when the markers could not be listed. */
  pending: number | null;
  /** Age of the oldest marker; null when there is none (or they could not be listed). */
  oldestAgeMs: number | null;
  /** Set when there are more markers than one listing counts (then `pending` is that many). */
  countCapped?: true;
  detail?: string;
}

/** Older than this, the retries have failed several times in a row: degraded. */
export const STUCK_AFTER_MS = 5 * 60_000;
/** One KV list call per report (reports are cached for a few seconds per isolate). */
const COUNT_LIMIT = 1000;

const log = createLogger({ service: "lti-gateway", module: "socket-pending-health" });

export async function pendingAnnouncementsHealth(env: Env, nowMs = Date.now()): Promise<PendingAnnouncementsHealth> {
  let page: KVNamespaceListResult<unknown>;
  try {
    page = await env.FLAGS.list({ prefix: PENDING_PREFIX, limit: COUNT_LIMIT });
  } catch (e) {
    log.warn("pending socket announcements could not be listed", errorFields(e));
    return { status: "degraded", pending: null, oldestAgeMs: null, detail: "could not list pending announcements" };
  }
  let oldestMs = Number.POSITIVE_INFINITY;
  for (const key of page.keys) {
    const marker = v.safeParse(PendingMetadataSchema, key.metadata);
    // A marker without readable metadata is dropped by the next retry run; it is still counted.
    if (marker.success) oldestMs = Math.min(oldestMs, marker.output.markedAtMs);
  }
  const oldestAgeMs = Number.isFinite(oldestMs) ? Math.max(0, nowMs - oldestMs) : null;
  return {
    status: oldestAgeMs !== null && oldestAgeMs > STUCK_AFTER_MS ? "degraded" : "ok",
    pending: page.keys.length,
    oldestAgeMs,
    ...(page.list_complete ? {} : { countCapped: true as const }),
  };
}
