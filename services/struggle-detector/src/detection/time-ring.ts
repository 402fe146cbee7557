/**
 * A bounded ring of event times: "N events within W ms" in O(1) memory and time, so a learner's
 * long session never makes a signal cost more.
 */
export function pushTime(ring: number[], atMs: number, size: number): void {
  ring.push(atMs);
  while (ring.length > size) ring.shift();
}

/** True when the ring holds `size` events and the oldest is within `windowMs` of `atMs`. */
export function fullWithin(ring: readonly number[], atMs: number, size: number, windowMs: number): boolean {
  const first = ring[0];
  return ring.length >= size && first !== undefined && atMs - first <= windowMs;
}
