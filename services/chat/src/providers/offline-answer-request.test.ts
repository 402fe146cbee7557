import { describe, expect, it } from "vitest";
import { exerciseLine } from "../chat/answer-check";
import { leaksAnswer } from "../chat/graded-guard";
import { composeOfflineHelp } from "../chat/help-offline";
import { pageBlocks } from "../knowledge/page-blocks";
import { ask as askChat, learner } from "../testing/helpers";
import { composeOfflineAnswer } from "./offline";
import { ANSWER_REQUEST_LABEL, asksForTheAnswer } from "./offline-answer-request";

const PAGE = [
  "[[block:both-sides]]",
  "Some equations have x on both sides, such as 5x + 2 = 3x + 10. Gather the x terms first.",
  "[[block:intro]]",
  "Solving linear equations",
  "It is worth checking every answer by putting it back into the original equation.",
  "[[block:exercise-1]]",
  "Exercise 1",
  "Solve 3x + 7 = 22. x =",
  "[[block:exercise-12]]",
  "Exercise 12",
  "Solve 2(x + 3) = 14. x =",
].join("\n");

const ask = (question: string, extra: { elementId?: string; earlierQuestion?: string } = {}) =>
  composeOfflineAnswer({ messages: [], maxTokens: 100, question, pageContent: PAGE, tenantId: "t", ...extra }, []);

describe("a request for the answer, offline", () => {
  it("is told from a question about answers", () => {
    for (const q of ["What's the answer to exercise 1?", "can you just tell me the answer", "solve it for me please"])
      expect(asksForTheAnswer(q), q).toBe(true);
    for (const q of ["How do I check my answer?", "Why is my answer wrong?", "What is an equation?"])
      expect(asksForTheAnswer(q), q).toBe(false);
  });

  it("gets the way to the answer for the exercise it names by heading, never the answer", () => {
    const answer = ask("What's the answer to exercise 1?");
    expect(answer.text.startsWith(ANSWER_REQUEST_LABEL)).toBe(true);
    expect(answer.text).toContain("Your exercise: 3x + 7 = 22.");
    expect(answer.text).toContain("A similar problem: 2y + 5 = 13.");
    expect(answer.citations).toEqual([expect.objectContaining({ source: "page", id: "exercise-1" })]);
    expect(leaksAnswer(answer.text, "Solve 3x + 7 = 22.")).toBe(false);
    // "Exercise 12" is its own heading, not "exercise 1" again.
    expect(ask("what is the answer to exercise 12?").text).toContain("Your exercise: 2(x + 3) = 14.");
  });

  it("takes the exercise in focus, or the question before, when none is named", () => {
    expect(ask("Can you just tell me the answer?", { elementId: "exercise-12" }).text).toContain(
      "Open the brackets first",
    );
    expect(ask("just give me the answer", { earlierQuestion: "How do I solve 5x - 4 = 21?" }).text).toContain(
      "Your exercise: 5x - 4 = 21.",
    );
    // With no exercise anywhere, it is answered as any question.
    expect(ask("Can you just tell me the answer?").text).not.toContain(ANSWER_REQUEST_LABEL);
  });
});

describe("an exercise a block sets, not an equation its prose explains with", () => {
  it("is the line that asks for work or leaves a blank", () => {
    expect(exerciseLine("Exercise 1\nSolve 3x + 7 = 22. x =")).toBe("Solve 3x + 7 = 22. x =");
    expect(exerciseLine("Graded: find x when 2x - 3 = 11")).toBe("Graded: find x when 2x - 3 = 11");
    expect(exerciseLine("Some equations have x on both sides, such as 5x + 2 = 3x + 10.")).toBeUndefined();
  });

  it("is what a request for the answer, a value to check and a hint go by in the block in focus", () => {
    const inProse = { elementId: "both-sides" };
    expect(ask("Can you just tell me the answer?", inProse).text).not.toContain(ANSWER_REQUEST_LABEL);
    // The exercise the question before named by its heading, not the prose in view.
    expect(ask("just give me the answer", { ...inProse, earlierQuestion: "I'm stuck on Exercise 1" }).text).toContain(
      "Your exercise: 3x + 7 = 22.",
    );
    expect(ask("I got x = 4, is that right?", inProse).text).not.toContain("Let's check");
    const blocks = pageBlocks(PAGE);
    const hint = composeOfflineHelp({ kind: "hint", blocks, focus: blocks[0] }, []);
    expect(hint.text).not.toContain("A similar problem");
  });
});

describe("an exercise the question names by its heading", () => {
  it("is quoted, said in plain words and shown the way to, never solved", () => {
    const answer = ask("Can you explain exercise 1 in simpler words?");
    expect(answer.text).toContain("> Solve 3x + 7 = 22. x =");
    expect(answer.text).toContain("Exercise 1 asks for the number x stands for: the one that makes 3x + 7 equal 22.");
    expect(answer.text).toContain("A similar problem: 2y + 5 = 13.");
    expect(answer.citations[0]).toEqual(expect.objectContaining({ source: "page", id: "exercise-1" }));
    expect(leaksAnswer(answer.text, "Solve 3x + 7 = 22.")).toBe(false);
    expect(ask("help with exercise 12").text).toContain("Open the brackets first");
  });

  it("is what a follow-up about that question goes by", () => {
    const another = ask("Can you show me another example?", { earlierQuestion: "Can you explain exercise 1?" }).text;
    expect(another).toContain("A similar problem:");
    expect(another).not.toContain("2y + 5 = 13");
  });
});

describe("the exercise a value is checked against", () => {
  it("is the one the claim names by heading, before the question before and the block in focus", () => {
    const named = ask("I got x = 4 for exercise 12", {
      elementId: "exercise-1",
      earlierQuestion: "How do I solve 5x - 4 = 21?",
    }).text;
    expect(named).toContain("Let's check x = 4 by putting it back into 2(x + 3) = 14");
    expect(named).toContain("So x = 4 is right.");
    // Named by nothing: the question before, as before.
    expect(
      ask("I got x = 5", { elementId: "exercise-1", earlierQuestion: "How do I solve 5x - 4 = 21?" }).text,
    ).toContain("5x - 4 = 21");
  });
});

describe("the exercise a conversation is about", () => {
  it("carries through a request for the answer to the value the learner checks next", async () => {
    const me = learner();
    const pageContext = { pageContent: PAGE, elementId: "both-sides" };
    const first = await askChat(
      me,
      { message: "what is the answer to exercise 1?", pageContext },
      { provider: "offline" },
    );
    expect(first.response).toContain("Your exercise: 3x + 7 = 22.");
    const next = (message: string) =>
      askChat(me, { message, conversationId: first.conversationId, pageContext }, { provider: "offline" });
    expect((await next("Can you just tell me the answer?")).response).toContain("Your exercise: 3x + 7 = 22.");
    expect((await next("I got x = 4, is that right?")).response).toContain("3 × 4 + 7 = 19, but the right side is 22.");
  });
});
