import { type HelpRequest, HelpRequestsSchema } from "@atomic-guide/shared/help-requests";
import * as v from "valibot";

/** The list, newest first; null when the answer is not one (the view says it could not load). */
export function readHelpRequests(raw: unknown): HelpRequest[] | null {
  const parsed = v.safeParse(HelpRequestsSchema, raw);
  if (!parsed.success) return null;
  return [...parsed.output.requests].sort((a, b) => b.at.localeCompare(a.at));
}

/** "5 minutes ago", from the caller's clock (tests pass their own `now`). */
export function ago(at: string, now: number): string {
  const minutes = Math.max(0, Math.round((now - Date.parse(at)) / 60_000));
  if (!Number.isFinite(minutes)) return "";
  if (minutes < 1) return "just now";
  if (minutes < 60) return `${minutes} minute${minutes === 1 ? "" : "s"} ago`;
  const hours = Math.round(minutes / 60);
  if (hours < 48) return `${hours} hour${hours === 1 ? "" : "s"} ago`;
  return `${Math.round(hours / 24)} days ago`;
}

/** One line per learner: who, where, when. A learner without a name from the launch shows their id. */
export function describeRequest(r: HelpRequest, now: number): string {
  const who = r.name ?? `Learner ${r.userId}`;
  const where = r.elementId ? ` on ${r.elementId}` : "";
  return `${who} asked for your help${where}, ${ago(r.at, now)}.`;
}
