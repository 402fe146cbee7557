import { describe, expect, it } from "vitest";
import { bestPassages } from "./extract";
import { pageBlocks } from "./page-blocks";
import { phraseFactor, questionPairs } from "./phrase";

// The sample course's wording: "both sides" is in most sentences, "x on both sides" in one.
const BALANCE = [
  "[[block:rule]]",
  "You may do anything you like to an equation as long as you do the same thing to both sides. Subtract the same number from both sides and it stays level. Multiply or divide both sides by the same number, other than zero, and it still stays level.",
  "[[block:both-sides]]",
  "Some equations have x on both sides, such as 5x + 2 = 3x + 10. The same rule applies: subtract 3x from both sides to gather the x terms on the left, which gives 2x + 2 = 10, and then carry on as before.",
  "[[block:worked]]",
  "Solve 2x + 5 = 17. Subtract 5 from both sides: 2x = 12. Divide both sides by 2: x = 6.",
].join("\n");

describe("the question's own phrase", () => {
  it("ranks the sentence that holds the question's words as written above those that share only its terms", () => {
    const [best] = bestPassages("What do I do when x is on both sides?", pageBlocks(BALANCE), 1);
    expect(best?.blockId).toBe("both-sides");
    expect(best?.text).toMatch(/^Some equations have x on both sides/);
  });

  it("counts the longest run of the question's words in its order, stop words aside and the unknown kept", () => {
    const pairs = questionPairs("How do I solve it when x is on both sides?");
    expect(phraseFactor(pairs, "Some equations have x on both sides.")).toBe(3);
    expect(phraseFactor(pairs, "Subtract 5 from both sides.")).toBe(2);
    expect(phraseFactor(pairs, "How do I know? Ask.")).toBe(1);
    expect(phraseFactor(questionPairs("sides"), "both sides")).toBe(1);
  });
});
