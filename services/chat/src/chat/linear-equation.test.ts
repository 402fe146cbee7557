import { describe, expect, it } from "vitest";
import { findLinearEquations, inverseOperationsReview, undoHint, undoSteps, workedExample } from "./linear-equation";

const findLinearEquation = (text: string) => findLinearEquations(text)[0];

const review = (text: string) => {
  const equation = findLinearEquation(text);
  if (!equation) throw new Error(`no equation in ${text}`);
  return inverseOperationsReview(equation);
};

describe("inverseOperationsReview", () => {
  it("names both inverse operations an equation like 3x + 7 = 22 uses, in the order they are undone", () => {
    const text = review("Solve for x: 3x + 7 = 22");
    expect(text).toContain("Subtracting undoes adding");
    expect(text).toContain("Dividing undoes multiplying");
    expect(text).toContain("first the number added, then the number in front of x");
  });

  it("names only the operation the equation uses", () => {
    const subtracted = review("y - 4 = 9");
    expect(subtracted).toContain("Adding undoes subtracting");
    expect(subtracted).not.toContain("Dividing");
    const multiplied = review("5x = 20");
    expect(multiplied).toContain("Dividing undoes multiplying");
    expect(multiplied).not.toMatch(/Subtracting undoes|Adding undoes/);
  });

  it("never works with the exercise's own numbers", () => {
    const text = review("3x + 7 = 22");
    expect(text).not.toMatch(/\b(22|15|5)\b/);
  });
});

describe("findLinearEquation", () => {
  it("reads ax + b = c and leaves an equation with x on both sides or a sum on the right alone", () => {
    expect(findLinearEquation("Solve for x: 3x + 7 = 22.")).toEqual({ a: 3, b: 7, c: 22, variable: "x" });
    expect(findLinearEquation("then x = 5 and we are done")).toEqual({ a: 1, b: 0, c: 5, variable: "x" });
    expect(findLinearEquation("such as 5x + 2 = 3x + 10")).toBeUndefined();
    expect(findLinearEquation("2x + 1 = 3 + 4")).toBeUndefined();
    expect(findLinearEquations("Is x = 4 right for 3x + 7 = 22?").map((e) => e.c)).toEqual([4, 22]);
  });

  it("reads the minus signs of typeset maths and word processors as a minus", () => {
    // U+2212 as the sample course and MathML write it, U+2013 as a word processor turns "-" into.
    expect(findLinearEquation("Solve 2x \u2212 3 = 11. x =")).toEqual({ a: 2, b: -3, c: 11, variable: "x" });
    expect(findLinearEquations("x \u2013 6 = 4 and \u22123x = 9").map((e) => [e.a, e.b])).toEqual([
      [1, -6],
      [-3, 0],
    ]);
  });
});

describe("a similar problem worked through", () => {
  const worked = (text: string) => {
    const equation = findLinearEquation(text);
    if (!equation) throw new Error(`no equation in ${text}`);
    return { example: workedExample(equation), method: undoSteps(equation), hint: undoHint(equation) };
  };

  it("takes the same steps as the exercise: two for ax + b = c", () => {
    expect(worked("3x + 7 = 22").example.split("\n").slice(0, 4)).toEqual([
      "A similar problem: 2y + 5 = 13.",
      "1. Subtract 5 from both sides: 2y = 8.",
      "2. Divide both sides by 2: y = 4.",
      "3. Check: 2 × 4 + 5 = 13. ✓",
    ]);
  });

  it("one for x + b = c, with no factor in the example, the method or the hint", () => {
    const { example, method, hint } = worked("Solve x + 4 = 9.");
    expect(example.split("\n").slice(0, 3)).toEqual([
      "A similar problem: y + 5 = 9.",
      "1. Subtract 5 from both sides: y = 4.",
      "2. Check: 4 + 5 = 9. ✓",
    ]);
    expect(`${method} ${hint}`).not.toMatch(/divide|factor|in front/i);
    expect(hint).toBe("Hint: undo what was done to x: take the number added to it away from both sides.");
    expect(worked("x - 3 = 8").hint).toBe(
      "Hint: undo what was done to x: add the number taken away from it to both sides.",
    );
  });

  it("adds back a number taken away, and divides alone for ax = c", () => {
    expect(worked("x - 3 = 8").example.split("\n").slice(0, 3)).toEqual([
      "A similar problem: y - 2 = 2.",
      "1. Add 2 to both sides: y = 4.",
      "2. Check: 4 - 2 = 2. ✓",
    ]);
    const { example, method, hint } = worked("5x = 20");
    expect(example.split("\n").slice(0, 3)).toEqual([
      "A similar problem: 2y = 12.",
      "1. Divide both sides by 2: y = 6.",
      "2. Check: 2 × 6 = 12. ✓",
    ]);
    expect(`${method} ${hint}`).not.toMatch(/added|subtracted/i);
  });

  it("keeps a negative factor negative, so the example divides by one as the exercise must", () => {
    const { example, method, hint } = worked("How do I solve -2x + 4 = 10?");
    expect(example.split("\n").slice(0, 4)).toEqual([
      "A similar problem: -3y + 5 = -7.",
      "1. Subtract 5 from both sides: -3y = -12.",
      "2. Divide both sides by -3: y = 4.",
      "3. Check: -3 × 4 + 5 = -7. ✓",
    ]);
    expect(method).toContain("divide both sides by the number in front of x, minus sign included.");
    expect(hint).toContain("the factor in front, minus sign included");
    const minusX = worked("-x + 4 = 10");
    expect(minusX.example.split("\n").slice(0, 3)).toEqual([
      "A similar problem: -y + 5 = 1.",
      "1. Subtract 5 from both sides: -y = -4.",
      "2. Divide both sides by -1: y = 4.",
    ]);
    expect(minusX.method).toContain("minus sign included (-x is -1 × x)");
  });
});
