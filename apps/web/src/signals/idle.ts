/**
 * Decides when a quiet learner counts as idle: once after `thresholdMs` without activity and
 * then every `repeatMs` while the quiet lasts, each report carrying how long it has been.
 */
export class IdleTracker {
  private lastActivity: number;
  private lastReport: number | null = null;

  constructor(
    private readonly now: () => number,
    private readonly thresholdMs = 30_000,
    private readonly repeatMs = 60_000,
  ) {
    this.lastActivity = now();
  }

  activity(): void {
    this.lastActivity = this.now();
    this.lastReport = null;
  }

  /** Returns the idle duration to report now, or null. */
  check(): number | null {
    const now = this.now();
    const quiet = now - this.lastActivity;
    if (quiet < this.thresholdMs) return null;
    if (this.lastReport !== null && now - this.lastReport < this.repeatMs) return null;
    this.lastReport = now;
    return quiet;
  }
}
