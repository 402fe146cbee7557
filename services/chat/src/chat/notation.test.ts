import { describe, expect, it } from "vitest";
import { composeOfflineAnswer } from "../providers/offline";
import { notationAnswer } from "./notation";

const PAGE = [
  "[[block:balance]]",
  "The balance method",
  "Solving an equation means finding the value of the unknown, usually called x, that keeps the balance level.",
  "[[block:exercise-1]]",
  "Exercise 1",
  "Solve 3x + 7 = 22. x =",
].join("\n");

const ask = (question: string) =>
  composeOfflineAnswer({ messages: [], maxTokens: 100, question, pageContent: PAGE, tenantId: "t" }, []);

describe("algebra's shorthand, explained offline", () => {
  it("says what a number before a letter means", () => {
    for (const q of ["what's 3x?", "What does 3x mean?", "what is 3 x"]) {
      expect(notationAnswer(q)?.text, q).toBe(
        "3x means 3 × x: 3 lots of x (x + x + x). A number written just before a letter multiplies it, and dividing both sides by 3 undoes it.",
      );
    }
  });

  it("quotes what the page says about multiplying the unknown and undoing it, not every sentence that multiplies", () => {
    const page = [
      "[[block:order]]",
      "If x was multiplied by 3 and then 7 was added, you first take the 7 away and then divide by 3.",
      "[[block:brackets]]",
      "Brackets are opened first, by multiplying each term inside by the number outside, so 2(x + 3) = 14 becomes 2x + 6 = 14.",
    ].join("\n");
    const answer = composeOfflineAnswer(
      { messages: [], maxTokens: 100, question: "what's 3x?", pageContent: page, tenantId: "t" },
      [],
    );
    expect(answer.text).toContain("> If x was multiplied by 3");
    expect(answer.text).not.toContain("Brackets are opened first");
  });

  it("says what the letter stands for, and quotes the page where it says so", () => {
    const answer = ask("What does x stand for?");
    expect(answer.text).toContain("x stands for the unknown");
    expect(answer.text).toContain("the value of the unknown, usually called x");
    expect(answer.citations).toEqual([expect.objectContaining({ id: "balance" })]);
  });

  it("leaves other questions, and the letters that stand for given numbers, to the page", () => {
    for (const q of ["what does a stand for?", "What is an equation?", "what's 3x + 7?", "how do I find x?"]) {
      expect(notationAnswer(q), q).toBeUndefined();
    }
  });
});
