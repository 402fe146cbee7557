import { describe, expect, it } from "vitest";
import { acceptLabel, kindLabel, toIntervention } from "./intervention-model";

describe("toIntervention", () => {
  it("reads a pushed intervention, wrapped or bare, with chat's suggestion", () => {
    const pushed = {
      type: "intervention",
      intervention: {
        id: "iv-1",
        kind: "chat_offer",
        message: "Want to talk it through?",
        elementId: "q3",
        suggestion: { text: "Let's look at the first step together.", provider: "offline" },
      },
    };
    expect(toIntervention(pushed)).toEqual({
      id: "iv-1",
      kind: "chat_offer",
      message: "Want to talk it through?",
      elementId: "q3",
      suggestion: "Let's look at the first step together.",
      provider: "offline",
    });
    expect(toIntervention({ id: "iv-2", kind: "hint", message: "Try x alone." })).toMatchObject({
      id: "iv-2",
      kind: "hint",
    });
  });

  it("refuses messages without an id", () => {
    expect(toIntervention({ type: "intervention", message: "x" })).toBeNull();
    expect(toIntervention("x")).toBeNull();
    expect(toIntervention(null)).toBeNull();
  });

  it("names every kind the detector sends in plain words", () => {
    for (const kind of ["hint", "content_summary", "chat_offer", "prerequisite_resource", "instructor_notified"])
      expect(kindLabel(kind)).not.toBe("A suggestion");
  });
});

describe("an offer to tell the instructor", () => {
  it("asks, and never says the instructor was told before the learner's yes", () => {
    expect(kindLabel("instructor_notified")).toBe("Tell your instructor?");
    expect(kindLabel("instructor_notified")).not.toMatch(/has been told/);
    expect(acceptLabel("instructor_notified")).toBe("Yes, tell my instructor");
    expect(acceptLabel("hint")).toBe("Show me");
    expect(acceptLabel("chat_offer")).toBe("Yes, help me");
  });
});
