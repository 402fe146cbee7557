import { describe, expect, it } from "vitest";
import { FOLLOW_UPS, followUpKind } from "../chat/follow-up-questions";
import { leaksAnswer } from "../chat/graded-guard";
import { ask, learner } from "../testing/helpers";
import { composeOfflineAnswer, OFFLINE_NONE } from "./offline";
import { followUpLabel } from "./offline-follow-up";

const EQUATION = "How do I solve 3x + 7 = 22?";
const EQUATION_PAGE =
  "[[block:exercise-1]]\nExercise 1\n\n[[block:q-one-step]]\nSolve 3x + 7 = 22 using the balance method.";
const PLANT_PAGE =
  "Photosynthesis is the process by which plants make sugar from light.\n\n" +
  "For example, a leaf in sunlight takes in carbon dioxide through its stomata.\n\n" +
  "Chlorophyll absorbs red and blue light, reflecting green, which is why leaves look green.";
const LEAVES = "why do leaves look green? which light does chlorophyll absorb";

const request = (question: string, earlierQuestion?: string, pageContent?: string) => ({
  messages: [],
  maxTokens: 100,
  question,
  earlierQuestion,
  pageContent,
  tenantId: "t",
});

describe("the guide's own follow-ups, offline", () => {
  it("answers an example or the steps for the equation asked before, never its result", () => {
    const example = composeOfflineAnswer(request(FOLLOW_UPS.example, EQUATION, EQUATION_PAGE), []).text;
    expect(example.startsWith(`${followUpLabel(EQUATION)}\n\n`)).toBe(true);
    // Another example than the first answer's (2y + 5 = 13), with numbers of its own.
    expect(example).toContain("A similar problem: 4y + 4 = 32.");
    expect(example).toContain("3. Check: 4 × 7 + 4 = 32.");
    expect(example).not.toContain("2y + 5 = 13");
    expect(leaksAnswer(example, "Solve 3x + 7 = 22")).toBe(false);

    // As offered or typed: case and the question mark do not matter.
    const steps = composeOfflineAnswer(request("can you explain that step by step", EQUATION), []).text;
    expect(steps).toContain("first remove the number added to or subtracted from it on both sides");
    expect(steps).toContain("1. Subtract 5 from both sides: 2y = 8.");

    // What to review first: the inverse operations the equation is built on, not the method again.
    const review = composeOfflineAnswer(request(FOLLOW_UPS.review, EQUATION, EQUATION_PAGE), []).text;
    expect(review).toContain("Subtracting undoes adding");
    expect(review).toContain("Dividing undoes multiplying");
    expect(leaksAnswer(review, "Solve 3x + 7 = 22")).toBe(false);
    // The exercise is the first equation to solve, for the review as for the other follow-ups.
    const both = "How do I solve 5x + 2 = 3x + 10? I got to 2x = 8";
    const reviewBoth = composeOfflineAnswer(request(FOLLOW_UPS.review, both), []).text;
    expect(reviewBoth).toContain("Gather the x terms on one side first");
    expect(reviewBoth).not.toContain("Dividing undoes multiplying");
  });

  it("takes what learners type instead of the chips as the same follow-up, but not a question of their own", () => {
    for (const typed of [
      "I don't get it",
      "Sorry, I don't get it",
      "i dont understand.",
      "I’m still confused",
      "Explain that again please",
      "huh?",
      "How do I start?",
      "What's the first step?",
      "where do I begin",
      "How do I get x on its own?",
      "What's next?",
      "ok what now",
      "what do I do next",
    ]) {
      expect(followUpKind(typed), typed).toBe("steps");
    }
    for (const typed of [
      "Another example?",
      "Can you give me another example",
      "what's a real life example?",
      "is there a real-world example of this?",
      "everyday example please",
    ])
      expect(followUpKind(typed), typed).toBe("example");
    for (const own of [
      "I don't understand brackets",
      "I don't get why we divide by 3",
      "an example of a two-step equation",
      "How do I start a new course?",
      "How do I get help on its own page?",
      "What's next week's topic?",
    ]) {
      expect(followUpKind(own), own).toBeUndefined();
    }
    const start = composeOfflineAnswer(request("How do I get x on its own?", EQUATION, EQUATION_PAGE), []).text;
    expect(start.startsWith(`${followUpLabel(EQUATION)}\n\n`)).toBe(true);
    expect(start).toContain("1. Subtract 5 from both sides: 2y = 8.");
    const again = composeOfflineAnswer(request("I don't get it", EQUATION, EQUATION_PAGE), []).text;
    expect(again.startsWith(`${followUpLabel(EQUATION)}\n\n`)).toBe(true);
    expect(again).toContain("first remove the number added to or subtracted from it on both sides");
  });

  it("says it in the page's other words when the learner did not follow, a comparison first, never the same quotes", () => {
    const lesson = [
      "[[block:balance]]",
      "The balance method",
      "An equation is a statement that two expressions have the same value. The equals sign works like the pivot of a balance: whatever sits on the left weighs exactly as much as whatever sits on the right.",
      "The balance method rests on one rule: you may do anything you like to an equation as long as you do the same thing to both sides. Add the same number to both sides and the balance stays level.",
      "[[block:check]]",
      "Checking",
      "It is worth checking every answer by putting it back into the original equation.",
    ].join("\n");
    const asked = "what is the balance method?";
    const first = composeOfflineAnswer(request(asked, undefined, lesson), []).text;
    const quotedFirst = first.split("\n").filter((line) => line.startsWith("> "));
    expect(quotedFirst.length).toBeGreaterThan(0);
    const followUp = (question: string, said: string[] = []) =>
      composeOfflineAnswer(
        {
          ...request(question, asked, lesson),
          earlierAnswer: first,
          messages: said.map((content) => ({ role: "assistant" as const, content })),
        },
        [],
      ).text;
    const again = followUp("I don't get it");
    expect(again).toContain("Put another way, as this page also says it:");
    expect(again).toContain("> The equals sign works like the pivot of a balance");
    for (const line of quotedFirst) expect(again).not.toContain(line);
    expect(again).toContain("Try saying it back in your own words");
    expect(followUp("can you explain it more simply?")).toBe(again);
    // Only sentences on what was asked: not the page's sentence on checking, which shares "equation".
    expect(again).not.toContain("It is worth checking");
    // Still not followed, with nothing else on it: the steps as before, never a sentence off the subject.
    const third = followUp("I'm still confused", [first, again]);
    expect(third).toContain("Step by step, as this page puts it:");
    expect(third).not.toContain("It is worth checking");
    // "What's next?" is not "I don't get it": the passages step by step, as before.
    expect(followUp("what's next?")).toContain("Step by step, as this page puts it:");
  });

  it("answers from the page for the question before: examples first, the passages as steps, definitions to review", () => {
    const example = composeOfflineAnswer(request(FOLLOW_UPS.example, LEAVES, PLANT_PAGE), []);
    expect(example.text).toContain("From this page:");
    expect(example.text).not.toContain(OFFLINE_NONE);
    expect(example.citations.length).toBeGreaterThan(0);

    const steps = composeOfflineAnswer(request(FOLLOW_UPS.steps, LEAVES, PLANT_PAGE), []).text;
    expect(steps).toContain("Step by step, as this page puts it:\n\n1. ");
    expect(steps).toContain("Chlorophyll absorbs red and blue light");

    const review = composeOfflineAnswer(request(FOLLOW_UPS.review, LEAVES, PLANT_PAGE), []).text;
    expect(review).toContain("Review these parts of the page first:");
    expect(review.split("\n\n")[2]).toContain("Chlorophyll absorbs red and blue light");
  });

  it("makes a new example from the page's own worked one when the question before named no equation", () => {
    const page = [
      "[[block:balance]]",
      "The balance method: do the same thing to both sides of an equation.",
      "[[block:worked]]",
      "Worked example",
      "Solve 2x + 5 = 17. Subtract 5 from both sides: 2x = 12. Divide both sides by 2: x = 6.",
    ].join("\n");
    const example = composeOfflineAnswer(request(FOLLOW_UPS.example, "Can you explain the balance method?", page), []);
    expect(example.text).toContain("From this page:");
    expect(example.text).toContain("A similar problem: 3y + 3 = 15.");
    expect(example.text).toContain("3. Check: 3 × 4 + 3 = 15. ✓");

    // Never an equation the page holds itself, such as an exercise's.
    const withExercise = `${page}\n[[block:q1]]\nSolve 3x + 3 = 15.`;
    const avoided = composeOfflineAnswer(
      request(FOLLOW_UPS.example, "Can you explain the balance method?", withExercise),
      [],
    ).text;
    expect(avoided).toContain("From this page:");
    expect(avoided).not.toContain("A similar problem");
  });

  it("without a question before it, or with one nothing answers, a follow-up is retrieved like any question", () => {
    const plain = (question: string) => composeOfflineAnswer(request(question, undefined, PLANT_PAGE), []).text;
    expect(plain(FOLLOW_UPS.review)).not.toContain("earlier question");
    const unanswered = composeOfflineAnswer(request(FOLLOW_UPS.example, "zebra quantum gravity", PLANT_PAGE), []).text;
    expect(unanswered).toBe(plain(FOLLOW_UPS.example));
    expect(unanswered).not.toContain("earlier question");
  });

  it("after a question about the whole page, an example is the page's worked example and one made like it", () => {
    const lesson =
      "[[block:intro]]\nWhat you will learn\nIn this lesson you will solve linear equations.\n" +
      "[[block:worked-example]]\nWorked example\nSolve 2x + 5 = 17. Subtract 5 from both sides: 2x = 12. Divide both sides by 2: x = 6.\n" +
      "[[block:exercise-1]]\nExercise 1\nSolve 3x + 7 = 22. x =";
    const earlier = "What is this page about?";
    const answer = composeOfflineAnswer(request(FOLLOW_UPS.example, earlier, lesson), []);
    expect(answer.text.startsWith(`${followUpLabel(earlier)}\n\nFrom this page:\n\n> Solve 2x + 5 = 17.`)).toBe(true);
    expect(answer.text).toContain("A similar problem:");
    expect(answer.citations).toEqual([expect.objectContaining({ source: "page", id: "worked-example" })]);
    expect(leaksAnswer(answer.text, "Solve 3x + 7 = 22")).toBe(false);
  });

  it("takes the question before from the conversation's history, through the chat API", async () => {
    const me = learner();
    const pageContext = { pageContent: EQUATION_PAGE, elementId: "q-one-step" };
    const first = await ask(me, { message: EQUATION, pageContext }, { provider: "offline" });
    expect(first.suggestions).toContain(FOLLOW_UPS.example);
    const inConversation = (message: string) =>
      ask(me, { message, conversationId: first.conversationId, pageContext }, { provider: "offline" });
    const followUp = await inConversation(FOLLOW_UPS.example);
    expect(followUp.response.startsWith(followUpLabel(EQUATION))).toBe(true);
    expect(followUp.response).toContain("A similar problem: 4y + 4 = 32.");
    expect(first.response).toContain("A similar problem: 2y + 5 = 13.");
    // The chips under it no longer offer the one just asked; the next is still about the equation.
    expect(followUp.suggestions).not.toContain(FOLLOW_UPS.example);
    const next = await inConversation(FOLLOW_UPS.steps);
    expect(next.response.startsWith(followUpLabel(EQUATION))).toBe(true);
    expect(next.response).toContain("first remove the number added to or subtracted from it on both sides");
  });
});
