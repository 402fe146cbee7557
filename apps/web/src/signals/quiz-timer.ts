/**
 * Response time per quiz item: from the item first shown (in view) or the previous attempt on
 * it, to this attempt. The detector reads answers far faster than the item can be read as
 * rapid guessing, so the clock starts when the learner could first see the question.
 */
export class QuizTimer {
  private readonly startedAt = new Map<string, number>();

  constructor(private readonly now: () => number) {}

  /** The item came into view (or was first touched); only the first time counts. */
  shown(itemId: string): void {
    if (!this.startedAt.has(itemId)) this.startedAt.set(itemId, this.now());
  }

  /** An answer was submitted: its response time, or undefined if the item was never shown. */
  attempt(itemId: string): number | undefined {
    const start = this.startedAt.get(itemId);
    const now = this.now();
    this.startedAt.set(itemId, now);
    return start === undefined ? undefined : Math.round(now - start);
  }
}
