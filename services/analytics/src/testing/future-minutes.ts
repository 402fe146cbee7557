// Metrics tests place their samples in minutes a year after the test's own clock: in the future of
// workerd's real clock, so no real alarm can close those minutes, and never a fixed date that
// time (or a shifted test clock) will one day overtake. Each test passes its own `now` to a flush.
const MINUTE_MS = 60_000;

/** The minute a year ahead of the test clock, as `YYYY-MM-DDTHH:MM`, and `offset` minutes after it. */
export function futureMinute(offset = 0): string {
  const base = Math.floor((Date.now() + 365 * 86_400_000) / MINUTE_MS) * MINUTE_MS;
  return new Date(base + offset * MINUTE_MS).toISOString().slice(0, 16);
}
