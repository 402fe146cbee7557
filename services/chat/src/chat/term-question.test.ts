import { describe, expect, it } from "vitest";
import { composeOfflineAnswer, OFFLINE_LABEL, OFFLINE_NONE, OFFLINE_PAGE_LABEL } from "../providers/offline";
import { FOLLOW_UPS } from "./follow-up-questions";
import { termQuestion } from "./term-question";

// The sample lesson's words: "means" and "equation" are on it, "coefficient" is not.
const PAGE = [
  "[[block:balance-method]]",
  "The balance method",
  "An equation is a statement that two expressions have the same value. Solving an equation means finding the value of the unknown, usually called x, that keeps the balance level.",
  "[[block:worked-example]]",
  "Worked example",
  "Solve 3x + 7 = 22. Subtract 7 from both sides: 3x = 15.",
].join("\n");

const ask = (question: string, pageContent = PAGE, earlierQuestion?: string) =>
  composeOfflineAnswer({ messages: [], maxTokens: 100, question, earlierQuestion, pageContent, tenantId: "t" }, [])
    .text;

describe("a question about one word", () => {
  it("looks for that word alone, however the question is put", () => {
    for (const [q, word] of [
      ["What does coefficient mean?", "coefficient"],
      ["what's a coefficient", "coefficient"],
      ["What does 'unknown' mean?", "unknown"],
      ["what are like terms?", "like terms"],
      ["define expression", "expression"],
      ["Can you explain what isolate means?", "isolate"],
      ["meaning of the word constant", "constant"],
      ["what is the meaning of balance", "balance"],
    ])
      expect(termQuestion(q as string)?.pageSearch, q).toBe(word);
    for (const q of [
      "what's 3x?",
      "what is this page about?",
      "what is the answer",
      "what does it mean?",
      "how do I solve 2x = 8?",
    ])
      expect(termQuestion(q), q).toBeUndefined();
  });

  it("puts two words side by side when asked how they differ: the meanings known, the page's words on both", () => {
    for (const q of [
      "What's the difference between an expression and an equation?",
      "how is an expression different from an equation",
      "expression vs equation?",
    ])
      expect(termQuestion(q)?.pageSearch, q).toBe("expression equation");
    expect(termQuestion("what's the difference between this and that?")).toBeUndefined();
    const answer = ask("What's the difference between an expression and an equation?");
    expect(answer).toContain(`${OFFLINE_LABEL}\n\nAn expression is numbers and letters joined by`);
    expect(answer).toContain("> An equation is a statement that two expressions have the same value.");
    expect(termQuestion("what is the difference between a term and a coefficient")?.text).toMatch(
      /^A term is one part .* A coefficient is the number/,
    );
    // Neither word known: no words of the guide's own, only the page's on both.
    expect(termQuestion("difference between mitosis and meiosis")).toBeUndefined();
    expect(termQuestion("what's the difference between mitosis and meiosis")).toEqual({
      pageSearch: "mitosis meiosis",
    });
  });

  it("gets the word's meaning when the page never says it, not the sentences that hold 'means'", () => {
    const answer = ask("What does coefficient mean?");
    expect(answer).toContain(`${OFFLINE_LABEL}\n\nA coefficient is the number written in front of a letter`);
    expect(answer).not.toContain("Solving an equation means");
  });

  it("quotes the page's own sentence about a word it uses, and admits a word it neither uses nor knows", () => {
    expect(ask("what does equation mean?")).toMatch(
      new RegExp(
        `^${OFFLINE_PAGE_LABEL.replace(/[()]/g, "\\$&")}\n\n> An equation is a statement that two expressions have the same value\\.`,
      ),
    );
    expect(ask("What does photosynthesis mean?")).toMatch(new RegExp(`^${OFFLINE_NONE.replace(/[.?()]/g, "\\$&")}`));
  });

  it("quotes only sentences holding a phrase asked about as one, not those sharing its words apart", () => {
    const apart =
      "[[block:a]]\nThe equals sign works like the pivot of a balance.\nFirst collect the terms that contain x on one side.";
    expect(ask("what are like terms?", apart)).toBe(
      `${OFFLINE_LABEL}\n\nLike terms have the same letter (to the same power), such as 3x and 5x, so they can be added into one: 3x + 5x = 8x. A plain number and an x term are not like terms.`,
    );
    const together = `${apart}\n[[block:b]]\nIn 5x + 2 - 3x, collect like terms first: 5x - 3x is 2x.`;
    const answer = ask("what are like terms?", together);
    expect(answer).toContain("> In 5x + 2 - 3x, collect like terms first: 5x - 3x is 2x.");
    expect(answer).not.toContain("pivot");
  });

  it("explained again when the learner is still confused, from the word asked about", () => {
    const again = ask(FOLLOW_UPS.steps, PAGE, "What does coefficient mean?");
    expect(again).toContain("A coefficient is the number written in front of a letter");
    expect(again).not.toContain("Solving an equation means");
  });
});
