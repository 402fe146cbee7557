import { describe, expect, it } from "vitest";
import { ApiProblem } from "../api/problem";
import { DEFAULT_BATCHER_OPTIONS, SignalBatcher } from "./batcher";
import { outcomeOf } from "./transport";
import type { Signal } from "./types";

function clock(start = 0) {
  let t = start;
  return { now: () => t, advance: (ms: number) => (t += ms) };
}
const sig = (type: Signal["type"], elementId?: string): Signal => ({
  type,
  at: "2026-01-01T00:00:00.000Z",
  ...(elementId ? { elementId } : {}),
});

describe("SignalBatcher", () => {
  it("throttles noisy kinds per element but not across elements or kinds", () => {
    const c = clock();
    const b = new SignalBatcher(c.now);
    expect(b.record(sig("scroll", "q1"))).toBe("queued");
    expect(b.record(sig("scroll", "q1"))).toBe("throttled");
    expect(b.record(sig("scroll", "q2"))).toBe("queued");
    expect(b.record(sig("click", "q1"))).toBe("queued");
    c.advance(1_000);
    expect(b.record(sig("scroll", "q1"))).toBe("queued");
    // Help requests are never throttled.
    expect(b.record(sig("help_request"))).toBe("queued");
    expect(b.record(sig("help_request"))).toBe("queued");
    expect(b.size).toBe(6);
  });

  it("never throttles what carries a duration: dwells, idle spells, time away", () => {
    const b = new SignalBatcher(clock().now);
    for (const type of ["hover", "idle", "focus_change"] as const) {
      expect(b.record({ ...sig(type, "b1"), durationMs: 500 })).toBe("queued");
      expect(b.record({ ...sig(type, "b1"), durationMs: 700 })).toBe("queued");
    }
    expect(b.size).toBe(6);
  });

  it("is due when a full batch waits or the oldest signal has waited the interval", () => {
    const c = clock();
    const b = new SignalBatcher(c.now, { ...DEFAULT_BATCHER_OPTIONS, maxBatch: 3, flushIntervalMs: 5_000 });
    b.record(sig("help_request"));
    expect(b.due()).toBe(false);
    c.advance(4_999);
    expect(b.due()).toBe(false);
    c.advance(1);
    expect(b.due()).toBe(true);
    const full = new SignalBatcher(c.now, { ...DEFAULT_BATCHER_OPTIONS, maxBatch: 3 });
    for (let i = 0; i < 3; i++) full.record(sig("help_request"));
    expect(full.due()).toBe(true);
  });

  it("hands out batches of at most 100, oldest first", () => {
    const c = clock();
    const b = new SignalBatcher(c.now);
    for (let i = 0; i < 250; i++) b.record({ ...sig("quiz_attempt"), elementId: `q${i}` });
    const first = b.take();
    expect(first).toHaveLength(100);
    expect(first[0]?.elementId).toBe("q0");
    expect(b.take()).toHaveLength(100);
    expect(b.take()).toHaveLength(50);
    expect(b.take()).toHaveLength(0);
  });

  it("records nothing while paused or disabled, and forgets the queue when disabled", () => {
    const c = clock();
    const b = new SignalBatcher(c.now);
    b.record(sig("help_request"));
    b.pause();
    expect(b.record(sig("help_request"))).toBe("paused");
    expect(b.due()).toBe(false);
    b.resume();
    b.setEnabled(false);
    expect(b.size).toBe(0);
    expect(b.record(sig("help_request"))).toBe("disabled");
  });

  it("puts a failed batch back in front and bounds the queue, counting what it drops", () => {
    const c = clock();
    const b = new SignalBatcher(c.now, { ...DEFAULT_BATCHER_OPTIONS, maxQueue: 5, maxBatch: 3 });
    for (let i = 0; i < 4; i++) b.record({ ...sig("quiz_attempt"), elementId: `q${i}` });
    const batch = b.take();
    b.record({ ...sig("quiz_attempt"), elementId: "q4" });
    b.record({ ...sig("quiz_attempt"), elementId: "q5" });
    b.record({ ...sig("quiz_attempt"), elementId: "q6" });
    b.requeue(batch);
    expect(b.size).toBe(5);
    // 1 left + 3 new + 3 requeued = 7 over a bound of 5: the two oldest go.
    expect(b.dropped).toBe(2);
    expect(b.take().map((s) => s.elementId)).toEqual(["q2", "q3", "q4"]);
  });
});

describe("outcomeOf", () => {
  it("stops on expiry or a disabled flag, drops refused batches and retries the rest", () => {
    expect(outcomeOf(new ApiProblem("feature_disabled", 403, "feature_disabled", "")).kind).toBe("off");
    expect(outcomeOf(new ApiProblem("expired", 401, "x", "")).kind).toBe("off");
    expect(outcomeOf(new ApiProblem("invalid", 400, "x", "")).kind).toBe("drop");
    expect(outcomeOf(new ApiProblem("rate_limited", 429, "x", "", 7))).toEqual({ kind: "retry", afterMs: 7_000 });
    expect(outcomeOf(new ApiProblem("network", 0, "x", ""))).toEqual({ kind: "retry", afterMs: 10_000 });
  });
});
