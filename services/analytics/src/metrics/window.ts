import { ApiError } from "@atomic-guide/shared";

const HOUR_MS = 3_600_000;
const MAX_WINDOW_MS = 31 * 24 * HOUR_MS;

export interface Window {
  from: string;
  to: string;
}

/** A `from`..`to` window: defaults to the `defaultMs` before now, at most 31 days, `from` before `to`. */
export function resolveWindow(
  from: string | undefined,
  to: string | undefined,
  defaultMs: number,
  now = Date.now(),
): Window {
  const toMs = to ? Date.parse(to) : now;
  const fromMs = from ? Date.parse(from) : toMs - defaultMs;
  if (fromMs >= toMs) throw new ApiError(400, "invalid_window", "`from` must be before `to`.");
  if (toMs - fromMs > MAX_WINDOW_MS) throw new ApiError(400, "invalid_window", "The window may span at most 31 days.");
  return { from: new Date(fromMs).toISOString(), to: new Date(toMs).toISOString() };
}

export const DEFAULT_METRICS_WINDOW_MS = HOUR_MS;
export const DEFAULT_INSIGHT_WINDOW_MS = 30 * 24 * HOUR_MS;
