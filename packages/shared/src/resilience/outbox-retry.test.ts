import { describe, expect, it } from "vitest";
import { outboxBackoffFor, outboxBackoffMs } from "./outbox-retry";

const noJitter = { jitter: 0 };

describe("outbox backoff paced by the D1 breaker", () => {
  it("never waits longer than the breaker's longest cooldown (60 s by default)", () => {
    const backoff = { ...outboxBackoffFor({}), ...noJitter };
    expect(outboxBackoffMs(1, backoff)).toBe(1_000);
    expect(outboxBackoffMs(4, backoff)).toBe(8_000);
    // Twelve failed flushes during a long outage: the next try is a minute away, not five.
    expect(outboxBackoffMs(12, backoff)).toBe(60_000);
  });

  it("scales with the breaker timings a Worker is given", () => {
    const backoff = {
      ...outboxBackoffFor({ D1_BREAKER_COOLDOWN_MS: "100", D1_BREAKER_MAX_COOLDOWN_MS: "800" }),
      ...noJitter,
    };
    expect(outboxBackoffMs(1, backoff)).toBe(100);
    expect(outboxBackoffMs(20, backoff)).toBe(800);
  });

  it("ignores malformed breaker vars rather than stalling the outbox", () => {
    const backoff = { ...outboxBackoffFor({ D1_BREAKER_MAX_COOLDOWN_MS: "soon" }), ...noJitter };
    expect(outboxBackoffMs(20, backoff)).toBe(60_000);
  });
});
