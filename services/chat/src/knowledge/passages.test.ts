import { describe, expect, it } from "vitest";
import { bestPassages } from "./extract";
import { pageBlocks } from "./page-blocks";

describe("a passage's context", () => {
  it("takes the sentence after the best one along", () => {
    const page = "[[block:ex]]\nSolve 3x + 7 = 22. Start by subtracting 7 from both sides.";
    const [best] = bestPassages("How do I solve 3x + 7 = 22?", pageBlocks(page), 1);
    expect(best?.text).toBe("Solve 3x + 7 = 22. Start by subtracting 7 from both sides.");
  });

  it("leaves a heading, a form label or a button's text after it out", () => {
    const page = "[[block:q3]]\nQuestion 3\nSolve for x: 3x + 7 = 22\nYour answer";
    const [best] = bestPassages("How do I solve 3x + 7 = 22?", pageBlocks(page), 1);
    expect(best?.text).toBe("Solve for x: 3x + 7 = 22");
  });

  it("never quotes a lone heading or button text, however well its word matches", () => {
    const page = [
      "[[block:check]]",
      "Check your answers",
      "It is worth checking every answer by putting it back into the original equation.",
      "Check",
    ].join("\n");
    const passages = bestPassages("How do I check my answer?", pageBlocks(page), 3);
    expect(passages.map((p) => p.text)).toEqual([
      "It is worth checking every answer by putting it back into the original equation.",
    ]);
  });
});
