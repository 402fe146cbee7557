import type { Signal, SignalType } from "./types";

export interface BatcherOptions {
  /** The API accepts 1..100 signals per batch. */
  maxBatch: number;
  /** A partial batch leaves after this long. */
  flushIntervalMs: number;
  /** At most one signal of a type per element within this window. */
  throttleMs: Partial<Record<SignalType, number>>;
  /** Bound on what waits while offline; the oldest go first. */
  maxQueue: number;
}

export const DEFAULT_BATCHER_OPTIONS: BatcherOptions = {
  maxBatch: 100,
  flushIntervalMs: 5_000,
  // Dwells (hover), idle spells and time away carry durations the detector adds up: never dropped.
  throttleMs: { scroll: 1_000, click: 500, answer_change: 1_500 },
  maxQueue: 500,
};

export type RecordOutcome = "queued" | "throttled" | "paused" | "disabled";

/**
 * Collects learner signals, throttles the noisy kinds per element, and hands out batches.
 * Pure state with an injected clock: the capture module owns timers and the transport.
 */
export class SignalBatcher {
  private queue: Signal[] = [];
  private lastAccepted = new Map<string, number>();
  private oldestQueuedAt: number | null = null;
  private paused = false;
  private enabled = true;
  dropped = 0;

  constructor(
    private readonly now: () => number,
    private readonly opts: BatcherOptions = DEFAULT_BATCHER_OPTIONS,
  ) {}

  get size(): number {
    return this.queue.length;
  }
  get isPaused(): boolean {
    return this.paused;
  }
  get isEnabled(): boolean {
    return this.enabled;
  }

  /** Off (no consent, flag off, token expired) also forgets what was waiting. */
  setEnabled(on: boolean): void {
    this.enabled = on;
    if (!on) {
      this.queue = [];
      this.oldestQueuedAt = null;
      this.lastAccepted.clear();
    }
  }

  pause(): void {
    this.paused = true;
  }
  resume(): void {
    this.paused = false;
  }

  record(signal: Signal): RecordOutcome {
    if (!this.enabled) return "disabled";
    if (this.paused) return "paused";
    const now = this.now();
    const window = this.opts.throttleMs[signal.type];
    if (window !== undefined) {
      const key = `${signal.type}\u0000${signal.elementId ?? ""}`;
      const last = this.lastAccepted.get(key);
      if (last !== undefined && now - last < window) return "throttled";
      this.lastAccepted.set(key, now);
      // Keys are per element; keep the map from growing without bound on long pages.
      if (this.lastAccepted.size > 1_000) this.pruneThrottle(now);
    }
    this.queue.push(signal);
    if (this.oldestQueuedAt === null) this.oldestQueuedAt = now;
    if (this.queue.length > this.opts.maxQueue) {
      const over = this.queue.length - this.opts.maxQueue;
      this.queue.splice(0, over);
      this.dropped += over;
    }
    return "queued";
  }

  /** True when a full batch is ready or the oldest waiting signal has waited long enough. */
  due(): boolean {
    if (!this.enabled || this.paused || this.queue.length === 0) return false;
    if (this.queue.length >= this.opts.maxBatch) return true;
    return this.oldestQueuedAt !== null && this.now() - this.oldestQueuedAt >= this.opts.flushIntervalMs;
  }

  /** Removes and returns the next batch (at most maxBatch, oldest first). */
  take(): Signal[] {
    const batch = this.queue.splice(0, this.opts.maxBatch);
    this.oldestQueuedAt = this.queue.length ? this.now() : null;
    return batch;
  }

  /** Puts a batch that could not be sent back at the front, within the queue bound. */
  requeue(batch: Signal[]): void {
    if (!this.enabled || batch.length === 0) return;
    this.queue = [...batch, ...this.queue];
    if (this.queue.length > this.opts.maxQueue) {
      const over = this.queue.length - this.opts.maxQueue;
      this.queue.splice(0, over);
      this.dropped += over;
    }
    this.oldestQueuedAt ??= this.now();
  }

  private pruneThrottle(now: number): void {
    const longest = Math.max(0, ...Object.values(this.opts.throttleMs));
    for (const [key, at] of this.lastAccepted) if (now - at >= longest) this.lastAccepted.delete(key);
  }
}
