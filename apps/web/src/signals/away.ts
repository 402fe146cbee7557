/** Measures time away from the page (tab hidden, window lost focus) for `focus_change`. */
export class AwayTracker {
  private awaySince: number | null = null;

  constructor(private readonly now: () => number) {}

  get isAway(): boolean {
    return this.awaySince !== null;
  }

  /** Blur and hide often both fire: the earliest one starts the absence. */
  leave(): void {
    this.awaySince ??= this.now();
  }

  /** Returns how long the learner was away, or null if they were not. */
  back(): number | null {
    if (this.awaySince === null) return null;
    const away = this.now() - this.awaySince;
    this.awaySince = null;
    return away;
  }
}
