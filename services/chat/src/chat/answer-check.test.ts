import { describe, expect, it } from "vitest";
import { composeOfflineAnswer } from "../providers/offline";
import { ask, learner } from "../testing/helpers";
import { answerCheck, claimedValue, exerciseIn, onlyClaimsAValue } from "./answer-check";
import { type Equation, equationText, findEquations } from "./equation";
import { leaksAnswer } from "./graded-guard";

const equationOf = (text: string): Equation => {
  const [first] = findEquations(text);
  if (!first) throw new Error(`no equation in ${text}`);
  return first;
};

const EXERCISE = "[[block:q3]]\nQuestion 3\nSolve for x: 3x + 7 = 22";
const request = (question: string, extra: { earlierQuestion?: string; elementId?: string; graded?: boolean } = {}) => ({
  messages: [],
  maxTokens: 100,
  question,
  pageContent: EXERCISE,
  tenantId: "t",
  ...extra,
});

describe("the value a learner says they found", () => {
  it("reads 'x = 4', 'x=-2', 'x is 29/3' and nothing else", () => {
    expect(claimedValue("I got x = 4, is that right?", "x")).toBe(4);
    expect(claimedValue("is x=-2 ok", "x")).toBe(-2);
    expect(claimedValue("is x = \u22122 ok", "x")).toBe(-2);
    expect(claimedValue("I think x is 29/3", "x")).toBeCloseTo(29 / 3);
    expect(claimedValue("I got y = 4", "x")).toBeUndefined();
    expect(claimedValue("max = 4", "x")).toBeUndefined();
    expect(claimedValue("how do I find x?", "x")).toBeUndefined();
  });

  it("reads a value named by no letter when the whole message only offers it", () => {
    for (const [message, value] of [
      ["is it 5?", 5],
      ["Is the answer to exercise 1 5?", 5],
      ["I got 5, is that right?", 5],
      ["my answer is -2", -2],
      ["is 5 right?", 5],
      ["is 7/2 the answer for question 3?", 3.5],
      ["so it's 4", 4],
      ["I got: 6", 6],
      ["what about 4?", 4],
      ["I got 4 for question 6, is that right?", 4],
      ["I think the answer to exercise 1 is 5", 5],
      ["I think it's 6", 6],
      ["we reckon it might be -3", -3],
      ["I think my answer is 7, is that right?", 7],
    ] as const)
      expect(claimedValue(message, "x"), message).toBe(value);
    for (const message of [
      "I got 5 marks on the quiz",
      "is it 5x?",
      "is it 5 or 6?",
      "why is it 5?",
      "exercise 5",
      "I think exercise 5 is hard",
    ])
      expect(claimedValue(message, "x"), message).toBeUndefined();
  });

  it("after a check, quotes nothing of the page's other exercises", () => {
    const page =
      "[[block:q1]]\nQuestion 1\nSolve x - 6 = 4. x =\n[[block:q6]]\nQuestion 6\nSolve 5x + 2 = 3x + 10. x =";
    const answer = composeOfflineAnswer({ ...request("is 10 right for question 1?"), pageContent: page }, []).text;
    expect(answer).toContain("So x = 10 is right.");
    expect(answer).not.toContain("5x + 2 = 3x + 10");
  });

  it("checks 'is the answer to exercise 1 5?' against exercise 1", async () => {
    const page = "[[block:intro]]\nSolve equations.\n[[block:ex1]]\nExercise 1\nSolve 3x + 7 = 22. x =";
    const answer = composeOfflineAnswer({ ...request("Is the answer to exercise 1 5?"), pageContent: page }, []).text;
    expect(answer).toContain("Let's check x = 5 by putting it back into 3x + 7 = 22:");
    expect(answer).toContain("So x = 5 is right.");
    const thought = composeOfflineAnswer(
      { ...request("I think the answer to exercise 1 is 4"), pageContent: page },
      [],
    ).text;
    expect(thought).toContain("Let's check x = 4 by putting it back into 3x + 7 = 22:");
    // "I think" is how the learner talks, not what to look for on the page.
    const withPicture = `${page}\n[[block:order]]\nThink of unwrapping a present: the last layer on is the first off.`;
    expect(
      composeOfflineAnswer({ ...request("I think the answer to exercise 1 is 4"), pageContent: withPicture }, []).text,
    ).not.toContain("unwrapping");
  });

  it("finds the exercise even when the claim comes first in the same sentence", () => {
    const text = (found: Equation | undefined) => found && equationText(found);
    expect(text(exerciseIn(["Is x = 4 right for 3x + 7 = 22?"]))).toBe("3x + 7 = 22");
    expect(text(exerciseIn(["x = 4", undefined, "Solve 5x - 4 = 21"]))).toBe("5x - 4 = 21");
  });
});

describe("answerCheck", () => {
  const equation = equationOf("3x + 7 = 22");

  it("puts a wrong value back in and says it does not work, without giving the answer", () => {
    const text = answerCheck(equation, 4, false);
    expect(text).toContain("3 × 4 + 7 = 19, but the right side is 22.");
    expect(text).toContain("So x = 4 doesn't work yet.");
    expect(leaksAnswer(text, "Solve for x: 3x + 7 = 22")).toBe(false);
  });

  it("confirms a right value by the same substitution", () => {
    const text = answerCheck(equation, 5, false);
    expect(text).toContain("3 × 5 + 7 = 22, the same as the right side. ✓");
    expect(text).toContain("So x = 5 is right.");
    expect(answerCheck(equationOf("2y - 3 = 7"), -1, false)).toContain("2 × (-1) - 3 = -5");
  });

  it("checks any arrangement: brackets, the unknown on both sides or on the right", () => {
    expect(answerCheck(equationOf("Solve 2(x + 3) = 14."), 4, false)).toContain(
      "2(4 + 3) = 14, the same as the right side. ✓",
    );
    const both = answerCheck(equationOf("5x + 2 = 3x + 10"), 3, false);
    expect(both).toContain("On the left 5 × 3 + 2 = 17, but on the right 3 × 3 + 10 = 19.");
    expect(both).toContain("So x = 3 doesn't work yet.");
    expect(answerCheck(equationOf("5x + 2 = 3x + 10"), 4, false)).toContain("the same on both sides. ✓");
    expect(answerCheck(equationOf("22 = 3x + 7"), 5, false)).toContain("3 × 5 + 7 = 22, the same as the right side. ✓");
    const graded = answerCheck(equationOf("5x + 2 = 3x + 10"), 4, true);
    expect(graded).toContain("Work out both sides with your value, 5 × (your value) + 2 and 3 × (your value) + 10.");
    expect(graded).not.toMatch(/\b4\b/);
  });

  it("on a graded item shows how to check and works nothing out, right value or not", () => {
    for (const value of [4, 5]) {
      const text = answerCheck(equation, value, true);
      expect(text).toContain("Work out 3 × (your value) + 7. If that makes 22, you've got it.");
      expect(text).not.toMatch(/\b[45]\b/);
      expect(leaksAnswer(text, "Solve for x: 3x + 7 = 22")).toBe(false);
    }
  });
});

describe("checking a claim, offline", () => {
  it("checks the value against the exercise in focus and quotes nothing in its place", () => {
    const answer = composeOfflineAnswer(request("I got x = 4, is that right?", { elementId: "q3" }), []);
    expect(answer.text.startsWith("Let's check x = 4 by putting it back into 3x + 7 = 22:")).toBe(true);
    expect(answer.text).not.toContain("A similar problem");
  });

  it("uses the equation of the question before when no block is in focus", () => {
    const answer = composeOfflineAnswer(
      { ...request("what about x = 5?", { earlierQuestion: "How do I solve 3x + 7 = 22?" }), pageContent: undefined },
      [],
    );
    expect(answer.text).toContain("So x = 5 is right.");
  });

  it("answers over HTTP, and on a graded item the guard lets the check through", async () => {
    const pageContext = { pageContent: EXERCISE, elementId: "q3", graded: true };
    const reply = await ask(
      learner(),
      { message: "I got x = 5, is that right?", pageContext },
      { provider: "offline" },
    );
    expect(reply.response).toContain("You can check this yourself: put your value for x back into 3x + 7 = 22.");
    expect(reply.response).not.toMatch(/\bx\s*=\s*5\b/);
  });

  it("checks one value after another against the exercise the conversation started from", async () => {
    const me = learner();
    // The block in focus holds another equation: the conversation's own exercise comes first.
    const pageContext = { pageContent: "[[block:other]]\nSolve 2x - 1 = 7.", elementId: "other" };
    const first = await ask(me, { message: "How do I solve 3x + 7 = 22?", pageContext }, { provider: "offline" });
    const next = (message: string) =>
      ask(me, { message, conversationId: first.conversationId, pageContext }, { provider: "offline" });
    expect((await next("I got x = 4, is that right?")).response).toContain("3 × 4 + 7 = 19");
    expect((await next("what about x = 5")).response).toContain("So x = 5 is right.");
  });
});

describe("onlyClaimsAValue", () => {
  it("tells a reported value from a question that holds its own exercise or none", () => {
    expect(onlyClaimsAValue("I got x = 4, is that right?")).toBe(true);
    expect(onlyClaimsAValue("is it 4?")).toBe(true);
    expect(onlyClaimsAValue("what about y=-2")).toBe(true);
    expect(onlyClaimsAValue("Is x = 4 right for 3x + 7 = 22?")).toBe(false);
    expect(onlyClaimsAValue("What is a variable?")).toBe(false);
  });
});
