import { describe, expect, it } from "vitest";
import { composeOfflineAnswer } from "../providers/offline";
import { ask, learner } from "../testing/helpers";
import { leaksAnswer } from "./graded-guard";
import { asksForPractice, practiceSetIn } from "./practice-problem";

const PAGE = [
  "[[block:balance]]",
  "The balance method",
  "Do the same thing to both sides.",
  "[[block:exercise-1]]",
  "Exercise 1",
  "Solve 3x + 7 = 22. x =",
].join("\n");

const offline = { provider: "offline" };

describe("a practice problem", () => {
  it("is what 'quiz me' and 'another one' ask for, not a question with words of its own", () => {
    for (const q of [
      "Quiz me",
      "test me on this",
      "Give me a practice problem",
      "can I have another one?",
      "another one please",
      "more practice",
      "give me a harder one",
    ])
      expect(asksForPractice(q), q).toBe(true);
    for (const q of [
      "quiz me on photosynthesis tomorrow",
      "give me an example",
      "another example",
      "is this on the quiz?",
    ])
      expect(asksForPractice(q), q).toBe(false);
  });

  it("is made like the page's exercise, never the exercise itself, and gives no answer", () => {
    const { text } = composeOfflineAnswer(
      { messages: [], maxTokens: 100, question: "quiz me", pageContent: PAGE, tenantId: "t" },
      [],
    );
    expect(practiceSetIn(text)).toEqual({ problem: "2y + 5 = 13", like: "3x + 7 = 22" });
    expect(text).toContain('tell me the value of y you get ("y = …")');
    expect(text).toContain("It is made like 3x + 7 = 22 on this page, with other numbers.");
    expect(leaksAnswer(text, "Solve 2y + 5 = 13.")).toBe(false);
  });

  it("is what a value offered next is checked against, however many values come, and 'another one' is a new one", async () => {
    const me = learner();
    const pageContext = { pageContent: PAGE, elementId: "exercise-1" };
    const first = await ask(me, { message: "Quiz me", pageContext }, offline);
    expect(practiceSetIn(first.response)?.problem).toBe("2y + 5 = 13");
    const next = (message: string) => ask(me, { message, conversationId: first.conversationId, pageContext }, offline);
    expect((await next("is it 3?")).response).toContain("So y = 3 doesn't work yet.");
    expect((await next("what about 4?")).response).toContain("So y = 4 is right.");
    const another = (await next("another one")).response;
    const set = practiceSetIn(another)?.problem;
    expect(set).toBeDefined();
    expect(set).not.toBe("2y + 5 = 13");
    expect(set).not.toBe("3x + 7 = 22");
  });

  it("gives way to a quiz item the learner moved on to, but not to the one it was made like", async () => {
    const me = learner();
    const page = `${PAGE}\n[[block:check]]\nCheck your understanding\nSolve x + 4 = 9. x =\nSolve 2x - 3 = 11. x =`;
    const inItem = (elementText: string) => ({ pageContent: page, elementId: "q-item", elementText });
    const first = await ask(me, { message: "quiz me", pageContext: inItem("Solve 2x - 3 = 11. x =") }, offline);
    expect(practiceSetIn(first.response)?.like).toBe("2x - 3 = 11");
    const value = async (elementText: string) =>
      (
        await ask(
          me,
          { message: "is it 9?", conversationId: first.conversationId, pageContext: inItem(elementText) },
          offline,
        )
      ).response;
    expect(await value("Solve 2x - 3 = 11. x =")).toContain(
      `putting it back into ${practiceSetIn(first.response)?.problem}`,
    );
    expect(await value("Solve x + 4 = 9. x =")).toContain("putting it back into x + 4 = 9");
  });

  it("like an equation asked about on another page, gives way to the quiz item the learner works in now", () => {
    const page = `${PAGE}\n[[block:check]]\nCheck your understanding\nGraded: solve 4x + 1 = 25. x =`;
    const check = (earlierQuestion: string, elementText?: string) =>
      composeOfflineAnswer(
        {
          messages: [],
          maxTokens: 100,
          question: "is it 6?",
          earlierQuestion,
          pageContent: page,
          ...(elementText ? { elementId: "q-graded", elementText } : {}),
          tenantId: "t",
        },
        [],
      ).text;
    const inGraded = "Graded: solve 4x + 1 = 25. x =";
    // (Not marked graded here: the check is shown, so which equation it used can be seen.)
    expect(check("how do I solve x/2 + 3 = 7?", inGraded)).toContain("putting it back into 4x + 1 = 25");
    // Not in a quiz item: the question before is what the value is for.
    expect(check("how do I solve x/2 + 3 = 7?")).toContain("putting it back into x / 2 + 3 = 7");
    // An equation this page holds, asked about from the item: still that one.
    expect(check("how do I solve 3x + 7 = 22?", inGraded)).toContain("putting it back into 3x + 7 = 22");
  });

  it("is a new one when 'another one' comes after a question of the learner's own, and not one from another page", async () => {
    const me = learner();
    const pageContext = { pageContent: PAGE, elementId: "exercise-1" };
    const first = await ask(me, { message: "Quiz me", pageContext }, offline);
    expect(practiceSetIn(first.response)?.problem).toBe("2y + 5 = 13");
    const next = (message: string, context = pageContext) =>
      ask(me, { message, conversationId: first.conversationId, pageContext: context }, offline);
    await next("what does coefficient mean?");
    const another = practiceSetIn((await next("another one")).response);
    expect(another?.problem).toBeDefined();
    expect(another?.problem).not.toBe("2y + 5 = 13");
    expect(another?.like).toBe("3x + 7 = 22");
    // On another page the problems set so far were made like this page's exercise, not the last one's.
    const otherPage = { pageContent: "[[block:e]]\nExercise\nSolve x - 6 = 4. x =", elementId: "e" };
    expect(practiceSetIn((await next("another one", otherPage)).response)).toEqual({
      problem: "y - 3 = 1",
      like: "x - 6 = 4",
    });
  });

  it("is a step up when a harder one is asked for: the hardest equation here, with both steps to undo", async () => {
    for (const q of ["something harder", "Challenge me!", "make it harder", "can I try something more difficult?"])
      expect(asksForPractice(q), q).toBe(true);
    const oneStep = "[[block:exercise-1]]\nExercise 1\nSolve x - 6 = 4. x =";
    const compose = (question: string, pageContent: string, earlierAnswer?: string) =>
      composeOfflineAnswer({ messages: [], maxTokens: 100, question, pageContent, earlierAnswer, tenantId: "t" }, [])
        .text;
    // A page of one-step equations: the harder one has a factor to divide by as well.
    const stepUp = compose("give me a harder one", oneStep);
    expect(practiceSetIn(stepUp)).toEqual({ problem: "4y - 4 = 24", like: "x - 6 = 4" });
    expect(stepUp).toContain("It is made like x - 6 = 4 on this page, with one more step.");
    expect(practiceSetIn(compose("another one", oneStep))?.problem).toBe("y - 3 = 1");
    // After "quiz me" on a two-step page: made like the hardest of the page's and the last, 4y rather than 2y.
    const quiz = compose("quiz me", PAGE);
    expect(practiceSetIn(quiz)?.problem).toBe("2y + 5 = 13");
    const harder = compose("something harder please", PAGE, quiz);
    expect(practiceSetIn(harder)).toEqual({ problem: "4y + 4 = 32", like: "3x + 7 = 22" });
    expect(harder).toContain("It is made like 3x + 7 = 22 on this page, with other numbers.");
    expect(leaksAnswer(harder, "Solve 4y + 4 = 32.")).toBe(false);
  });
});
