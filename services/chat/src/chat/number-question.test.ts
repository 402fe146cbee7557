import { describe, expect, it } from "vitest";
import { composeOfflineAnswer, OFFLINE_LABEL } from "../providers/offline";
import { leaksAnswer } from "./graded-guard";
import { linearExercise } from "./linear-equation";
import { numberQuestion } from "./number-question";

const twoStep = linearExercise("Solve 2x - 3 = 11.");
const oneStep = linearExercise("Solve x + 4 = 9.");

describe("a question about one number of the exercise worked on", () => {
  it("says what that number does there and the move that undoes it, never the move's result", () => {
    if (!twoStep || !oneStep) throw new Error("exercises not read");
    const minus = numberQuestion("What do I do with the minus 3?", twoStep);
    expect(minus).toBe(
      "In 2x - 3 = 11, 3 is taken away from 2x. To undo taking away, add 3 to both sides: on the left, − 3 + 3 makes 0, so 2x is left on its own, and adding the same to both sides keeps the balance level. Then divide both sides by 2 to get x on its own.",
    );
    expect(numberQuestion("why do we add 3 and not subtract it?", twoStep)).toBe(minus);
    expect(numberQuestion("how do I get rid of the -3", twoStep)).toBe(minus);
    expect(numberQuestion("what do I do with the 2?", twoStep)).toMatch(
      /^In 2x - 3 = 11, 2x means 2 × x: x is multiplied by 2\. To undo multiplying, divide both sides by 2, once the 3 is dealt with/,
    );
    expect(numberQuestion("where does the 11 go?", twoStep)).toMatch(/^11 is the right side of 2x - 3 = 11/);
    expect(numberQuestion("how do I get rid of the 4?", oneStep)).toMatch(/subtract 4 from both sides/);
    expect(numberQuestion("how do I get rid of the 4?", oneStep)).not.toContain("divide");
    for (const result of [minus, numberQuestion("what do I do with the 2?", twoStep)])
      expect(leaksAnswer(result ?? "", "Graded: solve 2x - 3 = 11.")).toBe(false);
  });

  it("says a minus in front of the unknown goes with its factor, divided by sign included", () => {
    const negative = linearExercise("Solve -2x + 4 = 10.");
    if (!negative || !twoStep) throw new Error("exercises not read");
    for (const q of [
      "What do I do with the minus in front of x?",
      "what about the negative sign?",
      "what if x has a minus in front of it?",
    ]) {
      expect(numberQuestion(q, negative), q).toBe(
        "In -2x + 4 = 10, the minus belongs to the number in front of x: -2x means -2 × x. Divide both sides by -2, minus sign included, once the 4 is dealt with: dividing by a negative number turns the sign of everything on both sides, so x comes out on its own with no minus in front.",
      );
    }
    // "The minus" in 2x - 3 = 11 is the 3 taken away, not a sign in front of x.
    expect(numberQuestion("what do I do with the minus?", twoStep)).toBeUndefined();
  });

  it("is not a question about a number the exercise does not hold, nor one with other words", () => {
    if (!twoStep) throw new Error("exercise not read");
    expect(numberQuestion("what do I do with the 5?", twoStep)).toBeUndefined();
    expect(numberQuestion("what do I do with the plus 3?", twoStep)).toBeUndefined();
    expect(numberQuestion("is it 7?", twoStep)).toBeUndefined();
    expect(numberQuestion("what do I do with my homework?", twoStep)).toBeUndefined();
  });

  it("is answered for the quiz item in focus, cited to it, offline", () => {
    const page = "[[block:check]]\nCheck your understanding\nSolve x + 4 = 9. x =\nSolve 2x - 3 = 11. x =";
    const answer = composeOfflineAnswer(
      {
        messages: [],
        maxTokens: 100,
        question: "what do I do with the minus 3?",
        pageContent: page,
        elementId: "q-two-step",
        elementText: "Solve 2x - 3 = 11. x =",
        tenantId: "t",
      },
      [],
    );
    expect(answer.text).toBe(`${OFFLINE_LABEL}\n\n${numberQuestion("what do I do with the minus 3?", twoStep!)}`);
    expect(answer.citations).toEqual([expect.objectContaining({ id: "check" })]);
  });
});
