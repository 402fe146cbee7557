import { describe, expect, it } from "vitest";
import { equationText, findEquations, isSolvedForm, sideText, solutionOf } from "./equation";

const solved = (text: string) => findEquations(text).map((e) => [equationText(e), solutionOf(e)]);

describe("findEquations", () => {
  it("reads a linear equation in one unknown in any arrangement and solves it", () => {
    expect(solved("Solve 3x + 7 = 22.")).toEqual([["3x + 7 = 22", 5]]);
    expect(solved("Solve 2(x + 3) = 14. x =")).toEqual([["2(x + 3) = 14", 4]]);
    expect(solved("Solve 5x + 2 = 3x + 10.")).toEqual([["5x + 2 = 3x + 10", 4]]);
    expect(solved("22 = 4 - 2y")).toEqual([["22 = 4 - 2y", -9]]);
    expect(solved("Solve 2x \u2212 3 = 11")).toEqual([["2x - 3 = 11", 7]]);
    expect(solved("(x + 1)/3 = 2 and -x + 4 = 1")).toEqual([
      ["(x + 1) / 3 = 2", 5],
      ["-x + 4 = 1", 3],
    ]);
    expect(solved("3·x = 12")).toEqual([["3 × x = 12", 4]]);
  });

  it("leaves out what is not a linear equation in one unknown", () => {
    for (const text of [
      "Check: 3 × 4 + 7 = 19",
      "x(x + 1) = 6",
      "1 / x = 2",
      "x + y = 3",
      "2x + 1 = 2x + 3",
      "E = mc",
      "the answer goes here: x =",
    ]) {
      expect(findEquations(text), text).toEqual([]);
    }
    // Two numbers side by side are not a product ("32x"): the first is the exercise's label.
    expect(solved("Question 3 2x + 1 = 5")).toEqual([["2x + 1 = 5", 2]]);
    // The exercise, not the blank after it.
    expect(solved("Solve 2x − 3 = 11. x =")).toEqual([["2x - 3 = 11", 7]]);
  });

  it("reads an exercise after its label and before its marks, and nothing else with them", () => {
    expect(solved("1) 3x + 7 = 22")).toEqual([["3x + 7 = 22", 5]]);
    expect(solved("b) 5x = 20 and (c) x - 3 = 8")).toEqual([
      ["5x = 20", 4],
      ["x - 3 = 8", 11],
    ]);
    expect(solved("Solve 2x + 1 = 9 (3 marks)")).toEqual([["2x + 1 = 9", 4]]);
    // A bracket that is maths is not a label: these stay unread, as without one.
    expect(solved("2(x + 3)(x - 1) = 0")).toEqual([]);
    expect(solved("(x + 1)(x - 1) = 3")).toEqual([]);
  });

  it("knows an equation already solved ('x = 5') from one to solve", () => {
    expect(findEquations("Is x = 4 right for 3x + 7 = 22?").map(isSolvedForm)).toEqual([true, false]);
  });

  it("writes a side out with a value in place of the unknown, as a learner checks it", () => {
    const [e] = findEquations("2(x + 3) = 5x - 2y");
    expect(e).toBeUndefined();
    const [both] = findEquations("-x + 2(x + 1) = 3x");
    if (!both) throw new Error("not read");
    expect(sideText(both.left, "(-2)")).toBe("-(-2) + 2((-2) + 1)");
    expect(sideText(both.right, "4")).toBe("3 × 4");
  });
});
