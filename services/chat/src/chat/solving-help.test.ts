import { describe, expect, it } from "vitest";
import { composeOfflineAnswer } from "../providers/offline";
import { findEquations, solutionOf } from "./equation";
import { GRADED_NOTICE, guardGradedOutput, leaksAnswer } from "./graded-guard";
import { solvingHelp } from "./solving-help";

const help = (text: string) => {
  const found = solvingHelp(text);
  if (!found) throw new Error(`no help for ${text}`);
  return found;
};

/** The example's own equation solves to the answer it shows. */
const exampleHolds = (example: string) => {
  const [stated] = findEquations(example.split("\n")[0] ?? "");
  const shown = /: [a-z] = (\d+)\.\n\d\. Check/.exec(example)?.[1];
  return stated !== undefined && shown !== undefined && solutionOf(stated) === Number(shown);
};

describe("help to solve an exercise of the shapes a first algebra course teaches", () => {
  it("opens brackets first, with a similar problem of the same shape and another answer", () => {
    const { method, hint, example } = help("Solve 2(x + 3) = 14. x =");
    expect(method).toContain("Open the brackets first");
    expect(hint).toContain("open the brackets first");
    expect(example.split("\n").slice(0, 5)).toEqual([
      "A similar problem: 3(y + 2) = 21.",
      "1. Open the brackets: 3y + 6 = 21.",
      "2. Subtract 6 from both sides: 3y = 15.",
      "3. Divide both sides by 3: y = 5.",
      "4. Check: 3(5 + 2) = 21. ✓",
    ]);
    expect(exampleHolds(example)).toBe(true);
    // An exercise whose answer is the first problem's gets the other one.
    expect(help("3(x + 1) = 18").example).toContain("A similar problem: 4(y + 1) = 16.");
  });

  it("gathers the unknown on one side first when it is on both", () => {
    const { method, example } = help("Solve 5x + 2 = 3x + 10. x =");
    expect(method).toContain("Gather the x terms on one side first");
    expect(example).toContain("A similar problem: 5y + 2 = 3y + 14.");
    expect(example).toContain("4. Check: 5 × 6 + 2 = 32 and 3 × 6 + 14 = 32. ✓");
    expect(exampleHolds(example)).toBe(true);
    expect(help("7x + 1 = x + 13").example).toContain("A similar problem: 4y + 1 = 2y + 9.");
  });

  it("multiplies back when the unknown is divided by a number, with a similar problem that holds", () => {
    const { method, hint, example } = help("How do I solve x/2 + 3 = 7?");
    expect(method).toBe(
      "Undo what was done to x one step at a time: first remove the number added to or subtracted from it on both sides, then multiply both sides by 2, which undoes dividing by 2.",
    );
    expect(hint).toContain("x is divided by 2, and multiplying both sides by 2 undoes that");
    expect(example.split("\n").slice(0, 4)).toEqual([
      "A similar problem: y/3 + 2 = 6.",
      "1. Subtract 2 from both sides: y/3 = 4.",
      "2. Multiply both sides by 3: y = 12.",
      "3. Check: 12/3 + 2 = 6. ✓",
    ]);
    expect(exampleHolds(example)).toBe(true);
    // Taken away, or nothing added: the example has the same shape, never the exercise's answer.
    expect(help("x/4 - 1 = 1").example).toContain("A similar problem: y/3 - 2 = 2.\n1. Add 2 to both sides: y/3 = 4.");
    expect(help("x/3 = 4").example).toContain("A similar problem: y/4 = 2.");
    expect(help("x/3 = 4").method).not.toContain("remove the number added");
    expect(leaksAnswer(help("Graded: solve x/2 + 3 = 7").example, "Graded: solve x/2 + 3 = 7")).toBe(false);
    expect(solvingHelp("x/y + 1 = 3")).toBeUndefined();
  });

  it("clears decimals first, with a similar problem whose decimals clear to whole numbers", () => {
    const { method, hint, example } = help("How do I solve 0.5x + 1 = 3?");
    expect(method).toContain("Clear the decimals first: multiply every term on both sides by 10");
    expect(hint).toContain("multiply every term on both sides by 10 to clear the decimals");
    // Each problem shown has another answer than its exercise, and takes the exercise's sign.
    const workedThrough: [exercise: string, steps: string][] = [
      [
        "0.5x + 1 = 3",
        `A similar problem: 0.5y + 1 = 4.
1. Multiply every term on both sides by 10: 5y + 10 = 40.
2. Subtract 10 from both sides: 5y = 30.
3. Divide both sides by 5: y = 6.
4. Check: 0.5 × 6 + 1 = 4. ✓`,
      ],
      [
        "0.25x - 1 = 2",
        `A similar problem: 0.5y - 1 = 2.
1. Multiply every term on both sides by 10: 5y - 10 = 20.
2. Add 10 to both sides: 5y = 30.`,
      ],
      // None added or taken away: only the multiplying and the dividing.
      ["0.4x = 2", "A similar problem: 0.5y = 3.\n1. Multiply every term on both sides by 10: 5y = 30.\n2. Divide"],
      ["1.5x + 2 = 8", "A similar problem: 0.5y + 1 = 4."],
      ["0.5x + 1 = 4", "A similar problem: 0.2y + 1 = 3."],
    ];
    for (const [exercise, steps] of workedThrough) expect(help(exercise).example, exercise).toContain(steps);
    expect(exampleHolds(example)).toBe(true);
    expect(exampleHolds(help("0.5x + 1 = 4").example)).toBe(true);
    // Two decimal places are cleared by 100, not 10.
    expect(help("0.25x - 1 = 2").method).toContain("multiply every term on both sides by 100,");
    expect(help("0.25x - 1 = 2").hint).toContain("by 100 to clear the decimals");
    expect(leaksAnswer(help("Graded: solve 0.5x + 1 = 3").example, "Graded: solve 0.5x + 1 = 3")).toBe(false);
    // Whole numbers keep their own help.
    expect(help("3x + 7 = 22").method).not.toContain("decimals");
  });

  it("helps with the text's first equation still to solve, whatever shapes come after it", () => {
    // The exercise comes first; a simpler equation after it is a step or a hint, not the exercise.
    expect(help("Solve 5x + 2 = 3x + 10. Gathering gives 2x = 8.").method).toContain("Gather the x terms");
    expect(help("Is x = 4 right? Solve 2x = 8 first.").method).toContain("divide both sides");
  });

  it("shows another problem for 'another example', never the first one again", () => {
    for (const exercise of ["3x + 7 = 22", "x - 3 = 8", "2(x + 3) = 14", "5x + 2 = 3x + 10"]) {
      const first = help(exercise).example.split("\n")[0];
      const another = solvingHelp(exercise, 1)?.example.split("\n")[0];
      expect(another, exercise).toMatch(/^A similar problem: /);
      expect(another, exercise).not.toBe(first);
    }
    expect(exampleHolds(solvingHelp("2(x + 3) = 14", 1)?.example ?? "")).toBe(true);
  });

  it("never shows the exercise's own answer, so a graded item's hint passes the guard", () => {
    for (const item of ["Graded: solve 2(x + 3) = 14. x =", "Graded: solve 5x + 2 = 3x + 10. x ="]) {
      const guarded = guardGradedOutput("So x = 4.", item);
      expect(guarded.replaced).toBe(true);
      expect(guarded.text.startsWith(GRADED_NOTICE)).toBe(true);
      expect(guarded.text).toContain("A similar problem:");
      expect(leaksAnswer(guarded.text, item)).toBe(false);
    }
  });

  it("answers 'how do I solve' offline with the method and the example", () => {
    const answer = composeOfflineAnswer(
      { messages: [], maxTokens: 100, question: "How do I solve 2(x + 3) = 14?", tenantId: "t" },
      [],
    );
    expect(answer.text).toContain("Open the brackets first");
    expect(answer.text).toContain("A similar problem: 3(y + 2) = 21.");
    const decimal = composeOfflineAnswer(
      { messages: [], maxTokens: 100, question: "how do i solve 0.5x + 1 = 3", tenantId: "t" },
      [],
    );
    expect(decimal.text).toContain("Clear the decimals first");
    expect(decimal.text).toContain("A similar problem: 0.5y + 1 = 4.");
  });
});
