// Moves this isolate's wall clock by a fixed offset, for the clock-shifted test run
// (ATOMIC_CLOCK_OFFSET_DAYS): every `new Date()` and `Date.now()` — test code, Worker code and
// Durable Objects alike — reads real time plus the offset, so a test that built a fixed date
// into a validation window fails here instead of on the day the window closes. Time still
// advances (unlike fake timers), so durations, ordering and timeouts behave as in a normal run.
// Plain JavaScript: it is also copied beside auxiliary Workers' bundles and imported first.

const MARK = Symbol.for("atomic-guide.clock-offset");

/** @param {number} offsetMs */
export function installClockOffset(offsetMs) {
  const current = /** @type {any} */ (globalThis.Date);
  if (current[MARK] !== undefined || !offsetMs) return;
  const RealDate = current;
  class ShiftedDate extends RealDate {
    constructor(/** @type {any[]} */ ...args) {
      if (args.length === 0) super(RealDate.now() + offsetMs);
      else super(...args);
    }
    static now() {
      return RealDate.now() + offsetMs;
    }
  }
  Object.defineProperty(ShiftedDate, MARK, { value: offsetMs });
  Object.defineProperty(ShiftedDate, "realNow", { value: () => RealDate.now() });
  globalThis.Date = /** @type {DateConstructor} */ (/** @type {unknown} */ (ShiftedDate));
}

/** The offset this isolate's clock runs at (0 when not shifted). */
export function clockOffsetMs() {
  return /** @type {any} */ (globalThis.Date)[MARK] ?? 0;
}

export const DAY_MS = 86_400_000;

/** The offset asked for through ATOMIC_CLOCK_OFFSET_DAYS (read in Node, by the test config). */
export function requestedOffsetDays(value = globalThis.process?.env?.ATOMIC_CLOCK_OFFSET_DAYS) {
  if (value === undefined || value === "") return 0;
  const days = Number(value);
  if (!Number.isFinite(days)) throw new Error(`ATOMIC_CLOCK_OFFSET_DAYS must be a number of days, got ${value}`);
  return days;
}
