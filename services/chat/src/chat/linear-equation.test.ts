import { describe, expect, it } from "vitest";
import { findLinearEquation, findLinearEquations, inverseOperationsReview } from "./linear-equation";

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
});
