import { describe, expect, it } from "vitest";
import { readSettingsForm } from "./guide-settings";

const form = {
  sensitivity: "high",
  cooldownMinutes: "15",
  dailyCap: "4",
  allowedInterventions: ["chat_offer", "hint"],
};

describe("readSettingsForm", () => {
  it("turns the form into the body of PUT guide-settings, kinds in the agreed order", () => {
    expect(readSettingsForm(form)).toEqual({
      ok: true,
      settings: { sensitivity: "high", cooldownMinutes: 15, dailyCap: 4, allowedInterventions: ["hint", "chat_offer"] },
    });
    expect(readSettingsForm({ ...form, dailyCap: "0", allowedInterventions: [] })).toMatchObject({
      ok: true,
      settings: { dailyCap: 0, allowedInterventions: [] },
    });
  });

  it("names each wrong field with a message the instructor can act on", () => {
    expect(readSettingsForm({ ...form, cooldownMinutes: "0", dailyCap: "51" })).toEqual({
      ok: false,
      errors: { cooldownMinutes: "At least 1 minute.", dailyCap: "At most 50 a day." },
    });
    expect(readSettingsForm({ ...form, cooldownMinutes: "", dailyCap: "2.5", sensitivity: "max" })).toEqual({
      ok: false,
      errors: {
        sensitivity: "Choose low, medium or high.",
        cooldownMinutes: "Enter a number.",
        dailyCap: "Use a whole number.",
      },
    });
    expect(readSettingsForm({ ...form, cooldownMinutes: "241" })).toEqual({
      ok: false,
      errors: { cooldownMinutes: "At most 240 minutes." },
    });
  });
});
