/**
 * Decides when a quiet learner was idle: no input for `thresholdMs` while the tab is visible
 * and no media plays. The spell is reported once, when it ends (input resumes, the tab is
 * hidden, media starts), with its full length. Watching a video or being away from the tab
 * is not idleness, so those suspend the clock instead of feeding it.
 */
export class IdleTracker {
  private lastActivity: number;
  private readonly suspendedBy = new Set<string>();

  constructor(
    private readonly now: () => number,
    private readonly thresholdMs = 30_000,
  ) {
    this.lastActivity = now();
  }

  /** Input from the learner; returns the idle spell it ends, if one was long enough. */
  activity(): number | null {
    const spell = this.endSpell();
    this.lastActivity = this.now();
    return spell;
  }

  /** A reason the learner is not idle while it lasts ("hidden", "media"); ends any spell. */
  suspend(reason: string): number | null {
    const spell = this.endSpell();
    this.suspendedBy.add(reason);
    return spell;
  }

  resume(reason: string): void {
    if (!this.suspendedBy.delete(reason)) return;
    if (this.suspendedBy.size === 0) this.lastActivity = this.now();
  }

  private endSpell(): number | null {
    if (this.suspendedBy.size > 0) return null;
    const quiet = this.now() - this.lastActivity;
    this.lastActivity = this.now();
    return quiet >= this.thresholdMs ? quiet : null;
  }
}
