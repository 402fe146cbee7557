import { describe, expect, it } from "vitest";
import { IsolateCache } from "./isolate-cache";

describe("IsolateCache", () => {
  const clock = () => {
    const c = { t: 1_000, now: () => c.t };
    return c;
  };

  it("keeps a value for its TTL, measured on the cache's clock", () => {
    const c = clock();
    const cache = new IsolateCache<string>({ ttlMs: 100, maxKeys: 10, now: c.now });
    cache.set("a", "x");
    c.t += 99;
    expect(cache.get("a")).toBe("x");
    c.t += 1;
    expect(cache.get("a")).toBeUndefined();
  });

  it("keeps an expired value for `stale` (a fallback when the source cannot be read) until it is evicted", () => {
    const c = clock();
    const cache = new IsolateCache<string>({ ttlMs: 100, maxKeys: 1, now: c.now });
    cache.set("a", "x");
    c.t += 500;
    expect(cache.get("a")).toBeUndefined();
    expect(cache.stale("a")).toBe("x");
    cache.set("b", "y");
    expect(cache.stale("a")).toBeUndefined();
  });

  it("drops the least recently stored key past maxKeys", () => {
    const cache = new IsolateCache<number>({ ttlMs: 1_000, maxKeys: 2 });
    cache.set("a", 1);
    cache.set("b", 2);
    cache.set("a", 3);
    cache.set("c", 4);
    expect([cache.get("a"), cache.get("b"), cache.get("c")]).toEqual([3, undefined, 4]);
  });

  describe("getOrLoad", () => {
    it("loads once per TTL and serves the copy in between", async () => {
      const c = clock();
      const cache = new IsolateCache<string>({ ttlMs: 100, maxKeys: 10, now: c.now });
      let loads = 0;
      const load = async () => `v${++loads}`;
      expect(await cache.getOrLoad("k", load)).toBe("v1");
      expect(await cache.getOrLoad("k", load)).toBe("v1");
      c.t += 100;
      expect(await cache.getOrLoad("k", load)).toBe("v2");
      expect(loads).toBe(2);
    });

    it("asks again after a miss (null), so something created since is seen at once", async () => {
      const cache = new IsolateCache<string>({ ttlMs: 1_000, maxKeys: 10 });
      let stored: string | null = null;
      expect(await cache.getOrLoad("k", async () => stored)).toBeNull();
      stored = "now";
      expect(await cache.getOrLoad("k", async () => stored)).toBe("now");
    });

    it("stores only what `keep` accepts", async () => {
      const cache = new IsolateCache<number>({ ttlMs: 1_000, maxKeys: 10 });
      const positive = (n: number): n is number => n > 0;
      let next = -1;
      expect(await cache.getOrLoad("k", async () => next, positive)).toBe(-1);
      next = 5;
      expect(await cache.getOrLoad("k", async () => next, positive)).toBe(5);
      next = 6;
      expect(await cache.getOrLoad("k", async () => next, positive)).toBe(5);
    });

    it("does not share a load in flight: each caller that misses loads for itself", async () => {
      const cache = new IsolateCache<string>({ ttlMs: 1_000, maxKeys: 10 });
      let loads = 0;
      const load = async () => {
        loads += 1;
        await Promise.resolve();
        return "v";
      };
      await Promise.all([cache.getOrLoad("k", load), cache.getOrLoad("k", load)]);
      expect(loads).toBe(2);
    });

    it("stores nothing when the load fails", async () => {
      const cache = new IsolateCache<string>({ ttlMs: 1_000, maxKeys: 10 });
      await expect(cache.getOrLoad("k", () => Promise.reject(new Error("kv down")))).rejects.toThrow("kv down");
      expect(cache.size).toBe(0);
    });
  });
});
