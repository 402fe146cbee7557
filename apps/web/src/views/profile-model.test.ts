import { describe, expect, it } from "vitest";
import { profileModel } from "./profile-model";

const PROFILE = {
  sessions: 1,
  signals: 7,
  struggleEvents: 2,
  interventions: 1,
  outcomes: { accepted: 1, dismissed: 0, helpful: 1, not_helpful: 0 },
  strugglingElements: ["quiz-q3"],
  updatedAt: "2026-12-04T08:53:00.000Z",
  struggle: { score: 0.31, level: "watch" },
  medianReadingPace: 1.6,
  skills: [{ skill: "two-step-equations", mastery: 0.123, attempts: 3 }],
  helpfulRate: 1,
};

const figure = (raw: unknown, label: string) => profileModel(raw)?.figures.find((f) => f.label === label)?.value;

describe("profileModel", () => {
  it("shows the helpful rate as a percentage and the current state in words", () => {
    expect(figure(PROFILE, "Suggestions you found helpful")).toBe("100%");
    expect(figure({ ...PROFILE, helpfulRate: 0.667 }, "Suggestions you found helpful")).toBe("67%");
    expect(figure({ ...PROFILE, helpfulRate: null }, "Suggestions you found helpful")).toBe("None rated yet");
    expect(figure(PROFILE, "Right now")).toBe("Might need a hand");
    expect(figure(PROFILE, "Times you got stuck")).toBe("2");
  });

  it("says how the reading pace compares with the expected one", () => {
    expect(figure(PROFILE, "Reading pace")).toBe("Slower than expected (1.6×)");
    expect(figure({ ...PROFILE, medianReadingPace: 1 }, "Reading pace")).toBe("About as expected (1.0×)");
    expect(figure({ ...PROFILE, medianReadingPace: 0.5 }, "Reading pace")).toBe("Quicker than expected (0.5×)");
    expect(figure({ ...PROFILE, medianReadingPace: null }, "Reading pace")).toBe("Not measured yet");
  });

  it("lists skills with their mastery and the recent trouble spots", () => {
    const model = profileModel(PROFILE);
    expect(model?.skills).toEqual([{ skill: "two-step-equations", mastery: "12%", attempts: 3 }]);
    expect(model?.troubleSpots).toEqual(["quiz-q3"]);
  });

  it("has nothing to show for an empty answer and skips malformed entries", () => {
    expect(profileModel({})).toBeNull();
    expect(profileModel(null)).toBeNull();
    expect(profileModel({ ...PROFILE, skills: [{ skill: 3 }], strugglingElements: [1, "x"] })).toMatchObject({
      skills: [],
      troubleSpots: ["x"],
    });
  });
});
