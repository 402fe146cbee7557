/**
 * Values an isolate keeps between the requests it serves, each for `ttlMs` after it was stored.
 * What is cached must tolerate that staleness in the isolates that did not make a change; the
 * isolate that makes one drops its own copy (`delete`, `deletePrefix`) so it never serves it.
 * Bounded: past `maxKeys`, the least recently stored key goes first; an expired value stays
 * until then, for `stale`.
 */
export class IsolateCache<V> {
  private readonly values = new Map<string, { value: V; expiresAt: number }>();

  constructor(private readonly options: { ttlMs: number; maxKeys: number; now?: () => number }) {}

  private now(): number {
    return (this.options.now ?? Date.now)();
  }

  /** The value while it is fresh. `nowMs` for callers that judge by a time of their own. */
  get(key: string, nowMs = this.now()): V | undefined {
    const hit = this.values.get(key);
    return hit && hit.expiresAt > nowMs ? hit.value : undefined;
  }

  /**
   * The value last stored for `key`, even past its TTL (kept until evicted or deleted): what a
   * reader falls back on when its source cannot be read and a stale answer beats none.
   */
  stale(key: string): V | undefined {
    return this.values.get(key)?.value;
  }

  /**
   * The cached value, or `load()`'s, stored when `keep` accepts it (by default any value but
   * null and undefined, so a miss is asked again next time). Deliberately no shared in-flight
   * promise: in a stateless Worker a promise another request started belongs to that request's
   * I/O context, and awaiting it after that request ended is cancelled as hung. Two requests
   * that miss together both load.
   */
  async getOrLoad<L extends V | null | undefined>(
    key: string,
    load: () => Promise<L>,
    keep: (value: L) => value is L & V = (value): value is L & V => value !== null && value !== undefined,
  ): Promise<L> {
    const hit = this.get(key);
    if (hit !== undefined) return hit as L;
    const value = await load();
    if (keep(value)) this.set(key, value);
    return value;
  }

  set(key: string, value: V, nowMs = this.now()): void {
    this.values.delete(key);
    if (this.values.size >= this.options.maxKeys) {
      const oldest = this.values.keys().next().value;
      if (oldest !== undefined) this.values.delete(oldest);
    }
    this.values.set(key, { value, expiresAt: nowMs + this.options.ttlMs });
  }

  delete(key: string): void {
    this.values.delete(key);
  }

  deletePrefix(prefix: string): void {
    for (const key of [...this.values.keys()]) if (key.startsWith(prefix)) this.values.delete(key);
  }

  get size(): number {
    return this.values.size;
  }
}
