import { describe, expect, it } from "vitest";
import { composeOfflineAnswer, OFFLINE_LABEL, OFFLINE_NONE, OFFLINE_PAGE_LABEL } from "../providers/offline";
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

const ask = (question: string) =>
  composeOfflineAnswer({ messages: [], maxTokens: 100, question, pageContent: PAGE, tenantId: "t" }, []).text;

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
      ["What is the balance method?", "balance method"],
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
});
