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
  /**
   * Calls let through together once half-open. More than one, because one read is often several
   * queries in parallel (Promise.all): with a single probe the others failed fast, the read
   * answered 503, and the probe itself was cancelled with its request before it could report.
   */
  probeLimit: number;
  /**
   * How long a probe holds its slot. A probe whose request ended before it reported never
   * reports, so its slot is given back after this (a little over the per-call D1 timeout).
   */
  probeTimeoutMs: number;
  now: () => number;
}

export const DEFAULT_BREAKER_OPTIONS: BreakerOptions = {
  failureThreshold: 3,
  cooldownMs: 5_000,
  maxCooldownMs: 60_000,
  probeLimit: 16,
  probeTimeoutMs: 4_000,
  now: () => Date.now(),
};

/**
 * Closed -> open after `failureThreshold` consecutive failures; open -> half-open once the
 * cooldown has passed; in half-open a bounded burst of probes runs (`probeLimit`): any success
 * closes the breaker, a failure opens it again with a longer cooldown. A probe that never
 * reports (its request was cancelled) frees its slot after `probeTimeoutMs`, never later. State lives in the isolate: every
 * isolate learns about an outage on its own, which costs at most a few failed calls each.
 */
export class CircuitBreaker {
  private failures = 0;
  private openedAt: number | undefined;
  private cooldown: number;
  /** When each outstanding half-open probe started. */
  private probes: number[] = [];
  private lastFailure: string | undefined;
  options: BreakerOptions;

  constructor(
    readonly service: string,
    readonly binding: string,
    options: Partial<BreakerOptions> = {},
  ) {
    this.options = { ...DEFAULT_BREAKER_OPTIONS, ...options };
    this.cooldown = this.options.cooldownMs;
  }

  /** New timings (from the Worker's configuration); the current state is kept. */
  configure(options: Partial<BreakerOptions>): void {
    const next = { ...this.options, ...options };
    if (
      next.failureThreshold === this.options.failureThreshold &&
      next.cooldownMs === this.options.cooldownMs &&
      next.maxCooldownMs === this.options.maxCooldownMs &&
      next.probeLimit === this.options.probeLimit &&
      next.probeTimeoutMs === this.options.probeTimeoutMs &&
      next.now === this.options.now
    ) {
      return;
    }
    this.options = next;
    this.cooldown = Math.min(Math.max(this.cooldown, next.cooldownMs), next.maxCooldownMs);
  }

  /** Back to closed with a clean slate, in place, so every wrapper holding this breaker sees it. */
  reset(): void {
    this.failures = 0;
    this.openedAt = undefined;
    this.probes = [];
    this.lastFailure = undefined;
    this.cooldown = this.options.cooldownMs;
  }

  get state(): BreakerState {
    if (this.openedAt === undefined) return "closed";
    return this.options.now() - this.openedAt >= this.cooldown ? "half-open" : "open";
  }

  /** True when no call should be attempted now (open, or half-open with every probe slot taken). */
  get rejecting(): boolean {
    const state = this.state;
    if (state === "open") return true;
    return state === "half-open" && this.probesInFlight() >= this.options.probeLimit;
  }

  /**
   * Asks to make one D1 call. Closed: yes. Open: no. Half-open: yes while a probe slot is free,
   * no for the others until a probe reports back or its slot times out.
   */
  tryAcquire(): boolean {
    const state = this.state;
    if (state === "closed") return true;
    if (state === "open" || this.probesInFlight() >= this.options.probeLimit) return false;
    this.probes.push(this.options.now());
    return true;
  }

  recordSuccess(): void {
    this.failures = 0;
    this.openedAt = undefined;
    this.probes = [];
    this.cooldown = this.options.cooldownMs;
  }

  recordFailure(reason?: string): void {
    this.lastFailure = reason;
    const state = this.state;
    this.probes = [];
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

  /** Probes still holding a slot; one that never reported back lets go after probeTimeoutMs (or the cooldown, if shorter). */
  private probesInFlight(): number {
    const now = this.options.now();
    const hold = Math.min(this.options.probeTimeoutMs, this.cooldown);
    this.probes = this.probes.filter((startedAt) => now - startedAt < hold);
    return this.probes.length;
  }
}

const registry = new Map<string, CircuitBreaker>();
const keyOf = (service: string, binding: string) => `${service}\u0000${binding}`;

/** The isolate's breaker for one service's D1 binding (created closed on first use, with `options`). */
export function breakerFor(service: string, binding = "DB", options?: Partial<BreakerOptions>): CircuitBreaker {
  const key = keyOf(service, binding);
  let breaker = registry.get(key);
  if (!breaker) {
    breaker = new CircuitBreaker(service, binding, options);
    registry.set(key, breaker);
  }
  return breaker;
}

const Millis = v.pipe(v.string(), v.regex(/^\d{1,7}$/), v.transform(Number), v.minValue(1));
const BreakerEnvSchema = v.object({
  D1_BREAKER_COOLDOWN_MS: v.optional(Millis),
  D1_BREAKER_MAX_COOLDOWN_MS: v.optional(Millis),
});

/**
 * Breaker timings from a Worker's vars, for tests that drive an outage through its whole life in
 * seconds (the integration suite sets them as bindings). Production sets neither and gets the
 * defaults; a malformed value is ignored rather than taking D1 access down.
 */
export function breakerOptionsFromEnv(env: object): Partial<BreakerOptions> | undefined {
  const parsed = v.safeParse(BreakerEnvSchema, env);
  if (!parsed.success) return undefined;
  const { D1_BREAKER_COOLDOWN_MS: cooldownMs, D1_BREAKER_MAX_COOLDOWN_MS: maxCooldownMs } = parsed.output;
  if (cooldownMs === undefined && maxCooldownMs === undefined) return undefined;
  return {
    ...(cooldownMs === undefined ? {} : { cooldownMs }),
    ...(maxCooldownMs === undefined ? {} : { maxCooldownMs }),
  };
}

/** Every breaker this isolate has used, optionally only one service's. */
export function breakerSnapshots(service?: string): BreakerSnapshot[] {
  return [...registry.values()].filter((b) => service === undefined || b.service === service).map((b) => b.snapshot());
}

/**
 * Closes the breakers of a service (or all), in place: D1 wrappers made earlier keep a reference
 * to their breaker, so replacing the registry entry would leave them with the old, open one.
 */
export function resetBreakers(service?: string): void {
  for (const breaker of registry.values()) if (service === undefined || breaker.service === service) breaker.reset();
}
