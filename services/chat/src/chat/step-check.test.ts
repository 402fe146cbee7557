import { describe, expect, it } from "vitest";
import { composeOfflineAnswer } from "../providers/offline";
import { leaksAnswer } from "./graded-guard";
import { stepCheck } from "./step-check";

describe("a step the learner took, checked", () => {
  it("confirms a step that keeps the balance and names the move", () => {
    expect(stepCheck("is 2x - 3 = 11 the same as 2x = 14?")).toBe(
      "Yes: 2x = 14 follows from 2x - 3 = 11, both sides still balance. That step adds 3 to both sides.\n\n" +
        "Keep going the same way: whatever you do to one side, do to the other.",
    );
    expect(stepCheck("3x + 7 = 22 so 3x = 15, right?")).toContain("That step takes 7 away from both sides.");
    expect(stepCheck("4x = 20 then 2x = 10?")).toContain("That step divides both sides by 2.");
    expect(stepCheck("2(x + 3) = 14 becomes 2x + 6 = 14?")).toMatch(
      /^Yes: 2x \+ 6 = 14 follows from 2\(x \+ 3\) = 14, both sides still balance\. That step opens the brackets\./,
    );
    expect(stepCheck("5x + 2 = 3x + 10 so 2x + 2 = 10?")).toContain("That step takes 3x away from both sides.");
    expect(stepCheck("3x + 7 = 22 so 6x + 14 = 44?")).toContain("That step multiplies both sides by 2.");
    // Right, but not one move the guide can name: confirmed all the same.
    expect(stepCheck("x + 1 = 4 so 2x = 6?")).toMatch(
      /^Yes: 2x = 6 follows from x \+ 1 = 4, both sides still balance\.\n/,
    );
  });

  it("says a wrong step is wrong and where to look, without the answer or the right side's value", () => {
    const wrong = stepCheck("3x + 7 = 22 so 3x = 29?");
    expect(wrong).toBe(
      "Not quite: 3x = 29 doesn't follow from 3x + 7 = 22. The two sides no longer balance.\n\n" +
        "To get from 3x + 7 to 3x, the step takes 7 away from both sides: do exactly that to 22 on the right too, and work it out again.",
    );
    expect(wrong).not.toMatch(/\b15\b|\b5\b/);
    expect(leaksAnswer(wrong ?? "", "Graded: solve 3x + 7 = 22. x =")).toBe(false);
    // The unknown on both sides: the left side's move, to make on the right side too.
    expect(stepCheck("5x + 2 = 3x + 10 gives 2x = 12?")).toContain(
      "To get from 5x + 2 to 2x, the step takes 3x + 2 away from both sides: do exactly that to 3x + 10 on the right too",
    );
    // Brackets opened wrongly: the rule for opening them, not a move that was never meant.
    expect(stepCheck("2(x + 3) = 14 becomes 2x + 3 = 14?")).toContain(
      "multiply every term inside them by the number in front: work out 2(x + 3) again.",
    );
    // A side left as it was and the other changed: no move to name.
    expect(stepCheck("3x + 7 = 22 so 3x + 7 = 20?")).toContain("go through the step again, one side at a time");
  });

  it("leaves alone what is not a step: one equation, a value, a question with no step words", () => {
    expect(stepCheck("How do I solve 3x + 7 = 22?")).toBeUndefined();
    expect(stepCheck("3x + 7 = 22 so x = 5?")).toBeUndefined();
    expect(stepCheck("Solve 2x = 6 and 3y = 9")).toBeUndefined();
    expect(stepCheck("is 2x = 6 the same as 2y = 6?")).toBeUndefined();
  });

  it("is how the offline guide answers such a question, with a value's check first", () => {
    const ask = (question: string) =>
      composeOfflineAnswer({ messages: [], maxTokens: 100, question, tenantId: "t" }, []).text;
    expect(ask("is 2x − 3 = 11 the same as 2x = 14?")).toMatch(/^Yes: 2x = 14 follows from 2x - 3 = 11/);
    expect(ask("3x + 7 = 22 so 3x = 15 and x = 5, right?")).toMatch(/^Let's check x = 5/);
  });
});
