/**
 * Values an isolate keeps between the requests it serves, each for `ttlMs` after it was stored.
 * What is cached must tolerate that staleness in the isolates that did not make a change; the
 * isolate that makes one drops its own copy (`delete`, `deletePrefix`) so it never serves it.
 * Bounded: past `maxKeys`, the least recently stored key goes first.
 */
export class IsolateCache<V> {
  private readonly values = new Map<string, { value: V; expiresAt: number }>();

  constructor(private readonly options: { ttlMs: number; maxKeys: number; now?: () => number }) {}

  private now(): number {
    return (this.options.now ?? Date.now)();
  }

  get(key: string): V | undefined {
    const hit = this.values.get(key);
    if (!hit) return undefined;
    if (hit.expiresAt <= this.now()) {
      this.values.delete(key);
      return undefined;
    }
    return hit.value;
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

  set(key: string, value: V): void {
    this.values.delete(key);
    if (this.values.size >= this.options.maxKeys) {
      const oldest = this.values.keys().next().value;
      if (oldest !== undefined) this.values.delete(oldest);
    }
    this.values.set(key, { value, expiresAt: this.now() + this.options.ttlMs });
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
