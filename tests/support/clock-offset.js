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

const ALARMS_SHIFTED = Symbol.for("atomic-guide.clock-offset.alarms");

/**
 * Durable Object alarms on the shifted clock: workerd fires an alarm by the real clock, so an
 * alarm set for "now + 10 s" on a clock a year ahead would fire a year from now, and every
 * background write that waits for an alarm would never happen in the shifted run. Patches the
 * isolate's one storage prototype (shared by every object in it) so `setAlarm` takes shifted
 * times and `getAlarm` answers them; alarms then fire when they would in a normal run.
 * @param {DurableObjectStorage} storage any object's storage in this isolate
 */
export function shiftAlarms(storage) {
  const offsetMs = clockOffsetMs();
  const proto = /** @type {any} */ (Object.getPrototypeOf(storage));
  if (!offsetMs || proto[ALARMS_SHIFTED]) return;
  const { setAlarm, getAlarm } = proto;
  proto.setAlarm = function (/** @type {number | Date} */ at, /** @type {unknown} */ options) {
    const ms = at instanceof Date ? at.getTime() : at;
    return setAlarm.call(this, ms - offsetMs, options);
  };
  proto.getAlarm = async function (/** @type {unknown} */ options) {
    const at = await getAlarm.call(this, options);
    return at === null || at === undefined ? at : at + offsetMs;
  };
  Object.defineProperty(proto, ALARMS_SHIFTED, { value: true });
}

/**
 * A Durable Object class whose instances shift the isolate's alarms before they start: how an
 * auxiliary Worker's objects, which no test code reaches, get `shiftAlarms`.
 * @template {new (...args: any[]) => any} C
 * @param {C} cls
 * @returns {C}
 */
export function withShiftedAlarms(cls) {
  if (typeof cls !== "function") return cls;
  // @ts-expect-error a mixin over any Durable Object class
  return class extends cls {
    constructor(/** @type {any[]} */ ...args) {
      shiftAlarms(args[0].storage);
      super(...args);
    }
  };
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
