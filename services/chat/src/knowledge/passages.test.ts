import { describe, expect, it } from "vitest";
import { composeOfflineAnswer, OFFLINE_NONE } from "../providers/offline";
import { bestPassages, pageTopics } from "./extract";
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

describe("words a learner and a page use for the same thing", () => {
  const page = [
    "[[block:intro]]",
    "Solving an equation means finding the value of the unknown, usually called x, that keeps the balance level.",
    "[[block:order]]",
    "Then undo whatever is being done to x, in the reverse order to the order it was done.",
    "[[block:leaves]]",
    "Leaves are green because chlorophyll reflects green light.",
  ].join("\n");

  it("meet in the ranking: a variable is the page's unknown, an inverse operation its undoing", () => {
    expect(bestPassages("What is a variable?", pageBlocks(page), 1).map((p) => p.blockId)).toEqual(["intro"]);
    expect(bestPassages("What does 'inverse operation' mean?", pageBlocks(page), 1).map((p) => p.blockId)).toEqual([
      "order",
    ]);
  });

  it("still leave unrelated sentences out", () => {
    expect(bestPassages("What is a variable?", pageBlocks(page), 3).map((p) => p.blockId)).not.toContain("leaves");
  });
});

describe("the page's topics", () => {
  it("are the blocks' headings, not their sentences", () => {
    const page = [
      "[[block:intro]]",
      "Solving linear equations",
      "In this lesson you will solve equations.",
      "[[block:balance]]",
      "The balance method",
      "Do the same to both sides.",
      "[[block:plain]]",
      "A block that starts with a sentence.",
    ].join("\n");
    expect(pageTopics(pageBlocks(page))).toEqual(["Solving linear equations", "The balance method"]);
  });

  it("are offered when neither the page nor the FAQ answers", () => {
    const page =
      "[[block:a]]\nThe balance method\nDo the same to both sides.\n[[block:b]]\nExercise 1\nSolve 3x + 7 = 22.";
    const text = composeOfflineAnswer(
      { messages: [], maxTokens: 1, question: "Who painted the Mona Lisa?", pageContent: page, tenantId: "t" },
      [],
    ).text;
    expect(text).toBe(`${OFFLINE_NONE}\n\nThis page covers: The balance method, Exercise 1.`);
  });
});
