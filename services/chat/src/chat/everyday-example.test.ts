import { describe, expect, it } from "vitest";
import { composeOfflineAnswer } from "../providers/offline";
import { asksForEverydayExample, everydayExample } from "./everyday-example";
import { followUpKind } from "./follow-up-questions";
import { leaksAnswer } from "./graded-guard";
import { linearExercise } from "./linear-equation";

const exercise = (text: string) => {
  const e = linearExercise(text);
  if (!e) throw new Error(`not an exercise: ${text}`);
  return e;
};

describe("an everyday example", () => {
  it("is what 'a real life example' asks for, as the example follow-up", () => {
    for (const q of [
      "What's a real life example?",
      "is there a real-world example of this?",
      "everyday example please",
    ]) {
      expect(asksForEverydayExample(q), q).toBe(true);
      expect(followUpKind(q), q).toBe("example");
    }
    expect(asksForEverydayExample("can you show me an example?")).toBe(false);
  });

  it("tells the equation's kind as a story with a similar problem's numbers, solved and checked", () => {
    const taxi = everydayExample(exercise("Solve 3x + 7 = 22."));
    expect(taxi).toContain(
      "A taxi charges 4 to start and 4 for each kilometre. A ride cost 32 in all: how many kilometres was it?",
    );
    expect(taxi).toContain("so 4y + 4 = 32.");
    expect(taxi).toContain(
      "1. Take away the 4 to start: 4y = 28.\n2. Divide by the 4 each: y = 7.\n3. Check: 4 × 7 + 4 = 32. ✓",
    );
    // Never the exercise's numbers or its result.
    expect(leaksAnswer(taxi ?? "", "Solve 3x + 7 = 22.")).toBe(false);
    const voucher = everydayExample(exercise("Solve 2x - 3 = 11."));
    expect(voucher).toContain("a voucher takes 4 off the bill");
    expect(voucher).toContain("Put back the 4 the voucher took off");
    expect(everydayExample(exercise("Solve -2x + 3 = 9."))).toBeUndefined();
  });

  it("answers 'a real life example' after a question about an equation, and the plain example as before", () => {
    const ask = (question: string) =>
      composeOfflineAnswer(
        { messages: [], maxTokens: 100, question, earlierQuestion: "How do I solve 3x + 7 = 22?", tenantId: "t" },
        [],
      ).text;
    expect(ask("what's a real life example?")).toContain("An everyday example: A taxi charges");
    expect(ask("Can you show me an example?")).not.toContain("taxi");
  });
});
