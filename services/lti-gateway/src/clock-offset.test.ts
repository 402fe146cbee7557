// The clock-shifted run (ATOMIC_CLOCK_OFFSET_DAYS, `.ci/run`) is only a proof if every clock
// moves together: this file's, the gateway's, and those of the auxiliary Workers and their
// Durable Objects. In a normal run the offset is 0 and the same assertions hold.
import { env, exports } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { clockOffsetMs, DAY_MS } from "../../../testing/clock-offset.js";
import { bearer, tokenFor } from "./auth/test-tokens";

const requested = Number(env.TEST_CLOCK_OFFSET_DAYS ?? 0) * DAY_MS;

function sendSignalAt(token: string, at: number) {
  return exports.default.fetch(
    new Request("http://localhost/api/cognitive/signals", {
      method: "POST",
      headers: { ...bearer(token), "Content-Type": "application/json" },
      body: JSON.stringify({ signals: [{ type: "click", at: new Date(at).toISOString(), elementId: "q1" }] }),
    }),
  );
}

describe("the test clock", () => {
  it("runs at the offset the run asked for, in the test and the gateway isolate", () => {
    expect(clockOffsetMs()).toBe(requested);
    const realNow = (Date as unknown as { realNow?: () => number }).realNow?.() ?? Date.now();
    // Real time and shifted time differ by the offset (less than a minute of drift between the two reads).
    expect(Math.abs(Date.now() - realNow - requested)).toBeLessThan(60_000);
  });

  it("is the clock of struggle-detector's Durable Object too (it refuses signals not from its now)", async () => {
    const token = await tokenFor(env, "clock-tenant");
    // Stamped with this file's clock: the DO accepts it only if its clock agrees within its skew.
    const accepted = await sendSignalAt(token, Date.now());
    expect(accepted.status).toBe(202);
    // Two days behind this file's clock is outside the DO's one-day window, offset or not.
    const stale = await sendSignalAt(token, Date.now() - 2 * DAY_MS);
    expect(stale.status).toBe(400);
  });
});
