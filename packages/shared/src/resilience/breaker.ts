import * as v from "valibot";

export const BreakerStateSchema = v.picklist(["closed", "open", "half-open"]);
export type BreakerState = v.InferOutput<typeof BreakerStateSchema>;

/** What /health shows about one breaker. */
export const BreakerSnapshotSchema = v.object({
  service: v.string(),
  binding: v.string(),
  state: BreakerStateSchema,
  consecutiveFailures: v.number(),
  /** While open: seconds until a probe is allowed. */
  retryAfterSeconds: v.optional(v.number()),
  lastFailure: v.optional(v.string()),
});
export type BreakerSnapshot = v.InferOutput<typeof BreakerSnapshotSchema>;

export interface BreakerOptions {
  /** Consecutive failed operations (after transient retries) that open the breaker. */
  failureThreshold: number;
  /** How long it stays open before one probe is let through. */
  cooldownMs: number;
  /** Each failed probe doubles the cooldown up to this. */
  maxCooldownMs: number;
  now: () => number;
}

export const DEFAULT_BREAKER_OPTIONS: BreakerOptions = {
  failureThreshold: 3,
  cooldownMs: 5_000,
  maxCooldownMs: 60_000,
  now: () => Date.now(),
};

/**
 * Closed -> open after `failureThreshold` consecutive failures; open -> half-open once the
 * cooldown has passed; in half-open exactly one probe runs at a time: success closes the
 * breaker, failure opens it again with a longer cooldown. State lives in the isolate: every
 * isolate learns about an outage on its own, which costs at most a few failed calls each.
 */
export class CircuitBreaker {
  private failures = 0;
  private openedAt: number | undefined;
  private cooldown: number;
  private probeStartedAt: number | undefined;
  private lastFailure: string | undefined;
  readonly options: BreakerOptions;

  constructor(
    readonly service: string,
    readonly binding: string,
    options: Partial<BreakerOptions> = {},
  ) {
    this.options = { ...DEFAULT_BREAKER_OPTIONS, ...options };
    this.cooldown = this.options.cooldownMs;
  }

  /** Back to closed with a clean slate, in place, so every wrapper holding this breaker sees it. */
  reset(): void {
    this.failures = 0;
    this.openedAt = undefined;
    this.probeStartedAt = undefined;
    this.lastFailure = undefined;
    this.cooldown = this.options.cooldownMs;
  }

  get state(): BreakerState {
    if (this.openedAt === undefined) return "closed";
    return this.options.now() - this.openedAt >= this.cooldown ? "half-open" : "open";
  }

  /** True when no call should be attempted now (open, or half-open with its probe under way). */
  get rejecting(): boolean {
    const state = this.state;
    if (state === "open") return true;
    return state === "half-open" && this.probeInFlight();
  }

  /**
   * Asks to make one D1 call. Closed: yes. Open: no. Half-open: yes for one caller (the probe),
   * no for the others until it reports back.
   */
  tryAcquire(): boolean {
    const state = this.state;
    if (state === "closed") return true;
    if (state === "open" || this.probeInFlight()) return false;
    this.probeStartedAt = this.options.now();
    return true;
  }

  recordSuccess(): void {
    this.failures = 0;
    this.openedAt = undefined;
    this.probeStartedAt = undefined;
    this.cooldown = this.options.cooldownMs;
  }

  recordFailure(reason?: string): void {
    this.lastFailure = reason;
    const state = this.state;
    this.probeStartedAt = undefined;
    if (state === "half-open") {
      this.cooldown = Math.min(this.cooldown * 2, this.options.maxCooldownMs);
      this.openedAt = this.options.now();
      return;
    }
    if (state === "open") return;
    this.failures += 1;
    if (this.failures >= this.options.failureThreshold) this.openedAt = this.options.now();
  }

  /** Whole seconds until a probe may run; at least 1 so `Retry-After` is never 0. */
  retryAfterSeconds(): number {
    if (this.openedAt === undefined) return 1;
    const left = this.openedAt + this.cooldown - this.options.now();
    return Math.max(1, Math.ceil(left / 1000));
  }

  snapshot(): BreakerSnapshot {
    const state = this.state;
    return {
      service: this.service,
      binding: this.binding,
      state,
      consecutiveFailures: this.failures,
      ...(state === "open" ? { retryAfterSeconds: this.retryAfterSeconds() } : {}),
      ...(this.lastFailure && state !== "closed" ? { lastFailure: this.lastFailure } : {}),
    };
  }

  /** A probe that never reported back (its isolate lost the promise) stops blocking after a cooldown. */
  private probeInFlight(): boolean {
    return this.probeStartedAt !== undefined && this.options.now() - this.probeStartedAt < this.cooldown;
  }
}

const registry = new Map<string, CircuitBreaker>();
const keyOf = (service: string, binding: string) => `${service}\u0000${binding}`;

/** The isolate's breaker for one service's D1 binding (created closed on first use). */
export function breakerFor(service: string, binding = "DB", options?: Partial<BreakerOptions>): CircuitBreaker {
  const key = keyOf(service, binding);
  let breaker = registry.get(key);
  if (!breaker) {
    breaker = new CircuitBreaker(service, binding, options);
    registry.set(key, breaker);
  }
  return breaker;
}

/** Every breaker this isolate has used, optionally only one service's. */
export function breakerSnapshots(service?: string): BreakerSnapshot[] {
  return [...registry.values()].filter((b) => service === undefined || b.service === service).map((b) => b.snapshot());
}

/**
 * Forgets breakers (all, or one service's). Used when an injected fault is turned off, so a
 * test or a developer sees D1 back at once instead of after the cooldown.
 */
/**
 * Closes the breakers of a service (or all), in place: D1 wrappers made earlier keep a reference
 * to their breaker, so replacing the registry entry would leave them with the old, open one.
 */
export function resetBreakers(service?: string): void {
  for (const breaker of registry.values()) if (service === undefined || breaker.service === service) breaker.reset();
}
