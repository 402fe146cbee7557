import { describe, expect, it } from "vitest";
import { ask, call, learner } from "../testing/helpers";
import { GRADED_NOTICE, guardGradedOutput, leaksAnswer } from "./graded-guard";

const ITEM = "Exercise 2: Solve 3x + 7 = 22.";
const PAGE = `[[block:ex-2]]\n${ITEM}\n[[block:intro]]\nTo solve a linear equation, undo each operation on both sides.`;

describe("graded-item guard on the model's output", () => {
  it.each([
    "Subtract 7 from both sides: 3x = 15. Divide by 3, so x = 5.",
    "The answer is 5.",
    "x=5",
    "So we get x = 5!",
    "It is 5.",
    "Correct answer: B",
    "The final answer: 42",
  ])("replaces an output that gives the answer away with a hint: %s", (output) => {
    expect(leaksAnswer(output, ITEM)).toBe(true);
    const guarded = guardGradedOutput(output, ITEM);
    expect(guarded.replaced).toBe(true);
    expect(guarded.text.startsWith(GRADED_NOTICE)).toBe(true);
    expect(guarded.text).toContain("A similar problem: 2y + 5 = 13.");
    expect(guarded.text).not.toMatch(/x\s*=\s*5\b|\bis 5\b/);
  });

  it.each([
    "Try subtracting 7 from both sides first. What do you get?",
    "For 2y + 3 = 11: subtract 3 to get 2y = 8, so y = 4. Now try yours.",
  ])("lets hints and worked examples of similar problems through: %s", (output) => {
    expect(guardGradedOutput(output, ITEM)).toEqual({ text: output, replaced: false });
  });

  it("reads the item's and the output's typeset minus signs as minus signs", () => {
    const item = "Graded: solve 2x \u2212 3 = 11. x =";
    expect(leaksAnswer("Add 3, then divide by 2: x = 7.", item)).toBe(true);
    expect(leaksAnswer("So 3x = \u22126 gives x = \u22122.", "Solve 3x + 10 = 4.")).toBe(true);
    expect(leaksAnswer("So x = 2.", "Solve 3x + 10 = 4.")).toBe(false);
  });

  it("knows the solution of an item with brackets or the unknown on both sides", () => {
    expect(leaksAnswer("Open the brackets: 2x + 6 = 14, so x = 4.", "Graded: solve 2(x + 3) = 14. x =")).toBe(true);
    expect(leaksAnswer("Gather the x terms: 2x = 8, x = 4", "Solve 5x + 2 = 3x + 10. x =")).toBe(true);
    expect(leaksAnswer("Try x = 3 first and see both sides.", "Solve 5x + 2 = 3x + 10. x =")).toBe(false);
  });

  it("knows the solution of an item written after its label or before its marks", () => {
    // A quiz numbers its items and shows their marks: the guard must still read the equation.
    expect(leaksAnswer("Subtract 7, divide by 3: x = 5.", "1) 3x + 7 = 22")).toBe(true);
    expect(leaksAnswer("So x = 4.", "(b) 5x = 20")).toBe(true);
    expect(leaksAnswer("That gives x = 11.", "Solve x - 3 = 8 (2 marks)")).toBe(true);
    expect(leaksAnswer("That gives x = 12.", "Solve x - 3 = 8 (2 marks)")).toBe(false);
  });

  it("withholds a leaking model answer on a graded item, and lets it through on an ungraded one", async () => {
    const question = "How do I solve 3x + 7 = 22? [[ai:leak]]";
    const graded = await ask(
      learner(),
      { message: question, pageContext: { pageContent: PAGE, elementId: "ex-2", graded: true } },
      { provider: "workers-ai" },
    );
    expect(graded.provider).toBe("workers-ai");
    expect(graded.response.startsWith(GRADED_NOTICE)).toBe(true);
    expect(graded.response).not.toContain("x = 5");
    const practice = await ask(
      learner(),
      { message: question, pageContext: { pageContent: PAGE, elementId: "ex-2" } },
      { provider: "workers-ai" },
    );
    expect(practice.response).toContain("x = 5");
  });

  it("checks help texts too: a leaking model hint on a graded element becomes the guard's hint", async () => {
    // The AI double reads its steering marker from the prompt, here from the page content.
    const page = `[[block:ex-2]]\n${ITEM} [[ai:leak]]`;
    const res = await call(
      learner(),
      "POST",
      "/api/chat/help",
      { kind: "hint", pageContext: { pageContent: page, elementId: "ex-2", graded: true } },
      { provider: "workers-ai" },
    );
    const help = await res.json<{ text: string; provider: string }>();
    expect(help.provider).toBe("workers-ai");
    expect(help.text.startsWith(GRADED_NOTICE)).toBe(true);
    expect(help.text).not.toContain("x = 5");
  });
});
