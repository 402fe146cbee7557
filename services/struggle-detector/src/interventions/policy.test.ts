import { describe, expect, it } from "vitest";
import { initialState } from "../detection/detector";
import { DEFAULT_CONFIG } from "../detection/thresholds";
import { chatFallback, emptyLedger, mayIntervene, planIntervention, recordDelivery } from "./policy";

const C = DEFAULT_CONFIG;
const NOON = Date.parse("2026-11-24T12:00:00.000Z");

describe("when an intervention may be offered", () => {
  it("only while struggling", () => {
    expect(mayIntervene("watch", emptyLedger(), NOON, C)).toEqual({ allowed: false, reason: "not_struggling" });
    expect(mayIntervene("struggling", emptyLedger(), NOON, C)).toEqual({ allowed: true });
  });

  it("not again within the 5-minute cooldown, and again right after it", () => {
    const ledger = recordDelivery(emptyLedger(), NOON);
    expect(mayIntervene("struggling", ledger, NOON + 5 * 60_000 - 1, C)).toEqual({
      allowed: false,
      reason: "cooldown",
    });
    expect(mayIntervene("struggling", ledger, NOON + 5 * 60_000, C)).toEqual({ allowed: true });
  });

  it("at most 8 a day; the cap resets on the next UTC day", () => {
    let ledger = emptyLedger();
    let t = Date.parse("2026-11-24T00:00:00.000Z");
    let delivered = 0;
    for (let i = 0; i < 20; i++, t += 10 * 60_000) {
      if (mayIntervene("struggling", ledger, t, C).allowed) {
        ledger = recordDelivery(ledger, t);
        delivered++;
      }
    }
    expect(delivered).toBe(8);
    expect(mayIntervene("struggling", ledger, t, C)).toEqual({ allowed: false, reason: "daily_cap" });
    expect(mayIntervene("struggling", ledger, Date.parse("2026-11-25T00:00:00.000Z"), C)).toEqual({ allowed: true });
  });
});

describe("which intervention", () => {
  const state = initialState();
  state.driverElement = { answerChanges: "q1", rereading: "sec2", wrongAnswers: "quiz", rapidGuessing: "q4" };

  it("follows the strongest driver", () => {
    expect(planIntervention(state, ["helpRequest"], C, NOON)).toMatchObject({
      kind: "chat_offer",
      trigger: "struggle",
    });
    expect(planIntervention(state, ["idle"], C, NOON)).toMatchObject({ kind: "chat_offer", trigger: "idle" });
    expect(planIntervention(state, ["answerChanges", "idle"], C, NOON)).toMatchObject({
      kind: "hint",
      elementId: "q1",
    });
    expect(planIntervention(state, ["rapidGuessing"], C, NOON)).toMatchObject({ kind: "hint", elementId: "q4" });
    expect(planIntervention(state, ["rereading"], C, NOON)).toMatchObject({
      kind: "content_summary",
      elementId: "sec2",
    });
    state.item = { elementId: "quiz", attempts: 3 };
    expect(planIntervention(state, ["wrongAnswers"], C, NOON)).toMatchObject({ kind: "prerequisite_resource" });
    state.item = { elementId: "quiz", attempts: 4 };
    expect(planIntervention(state, ["wrongAnswers"], C, NOON)).toMatchObject({ kind: "instructor_notified" });
  });

  it("offers no chat while the learner is chatting, and again once they have stopped", () => {
    const chatting = { ...initialState(), chattingUntil: NOON + 1, driverElement: { helpRequest: "p1" } };
    expect(planIntervention(chatting, ["helpRequest"], C, NOON)).toMatchObject({ kind: "hint", elementId: "p1" });
    expect(planIntervention(chatting, ["helpRequest"], C, NOON + 1)).toMatchObject({ kind: "chat_offer" });
  });

  it("keeps to the kinds the course allows, and offers nothing when it allows none", () => {
    const onlySummary = { ...C, allowedInterventions: ["content_summary" as const] };
    expect(planIntervention(state, ["answerChanges"], onlySummary, NOON)).toMatchObject({ kind: "content_summary" });
    expect(planIntervention(state, ["answerChanges"], { ...C, allowedInterventions: [] }, NOON)).toBeUndefined();
  });

  it("falls back from a chat offer to something chat is not needed for", () => {
    expect(chatFallback({ kind: "chat_offer", trigger: "idle", elementId: "q1", drivers: ["idle"] }).kind).toBe("hint");
    expect(chatFallback({ kind: "chat_offer", trigger: "idle", elementId: undefined, drivers: ["idle"] }).kind).toBe(
      "content_summary",
    );
  });
});
