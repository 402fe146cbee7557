import { describe, expect, it } from "vitest";
import { backedOff, noteResponse } from "./backoff";

const NOW = 1_000_000_000_000;
const COOLDOWN = 5 * 60_000;

describe("backing off a kind the learner dismisses", () => {
  it("waits the cooldown doubled per dismissal in a row, then offers it again", () => {
    const once = noteResponse({}, "hint", "dismissed", NOW);
    expect(backedOff(once, NOW + 2 * COOLDOWN - 1, COOLDOWN)).toEqual(new Set(["hint"]));
    expect(backedOff(once, NOW + 2 * COOLDOWN, COOLDOWN)).toEqual(new Set());
    const twice = noteResponse(once, "hint", "dismissed", NOW);
    expect(backedOff(twice, NOW + 4 * COOLDOWN - 1, COOLDOWN)).toEqual(new Set(["hint"]));
  });

  it("touches only the dismissed kind, and an acceptance clears it", () => {
    const d = noteResponse({}, "hint", "dismissed", NOW);
    expect(backedOff(d, NOW + 1, COOLDOWN).has("content_summary")).toBe(false);
    expect(backedOff(noteResponse(d, "hint", "accepted", NOW + 1), NOW + 2, COOLDOWN)).toEqual(new Set());
  });
});
