import { describe, expect, it } from "vitest";
import { composeOfflineAnswer, OFFLINE_PAGE_LABEL } from "../providers/offline";
import { leaksAnswer } from "./graded-guard";
import { asksForHelpHere, asksForHelpWith, WHICH_PART } from "./help-request";

const PAGE = [
  "[[block:balance-method]]",
  "The balance method",
  "You may do anything you like to an equation as long as you do the same thing to both sides.",
  "[[block:exercise-1]]",
  "Exercise 1",
  "Solve 3x + 7 = 22. x =",
].join("\n");

const ask = (question: string, elementId?: string) =>
  composeOfflineAnswer({ messages: [], maxTokens: 100, question, pageContent: PAGE, elementId, tenantId: "t" }, []);

describe("a bare request for help", () => {
  it("is told apart from a question with words of its own", () => {
    for (const q of [
      "help",
      "Help!",
      "help me please",
      "hint please",
      "Can I have a hint?",
      "I need some help with this",
      "I'm stuck",
      "im really stuck here",
      "give me a tip",
      "Help me with this",
    ])
      expect(asksForHelpHere(q), q).toBe(true);
    for (const q of [
      "help me with exercise 1",
      "I'm stuck on the balance method",
      "hint for 3x + 7 = 22",
      "how does this help?",
    ])
      expect(asksForHelpHere(q), q).toBe(false);
  });

  it("gets the 'I'm stuck' hint for the part in focus: the way to its exercise, never the result", () => {
    const answer = ask("hint please", "exercise-1");
    expect(answer.text.startsWith(`${OFFLINE_PAGE_LABEL}\n\nHint:`)).toBe(true);
    expect(answer.text).toContain("A similar problem:");
    expect(leaksAnswer(answer.text, "Solve 3x + 7 = 22. x =")).toBe(false);
    expect(answer.citations).toEqual([expect.objectContaining({ source: "page", id: "exercise-1" })]);
  });

  it("with no part in focus, asks which part rather than guessing", () => {
    expect(ask("help").text).toBe(WHICH_PART);
  });

  it("for a part the learner names by its heading, gets that part's hint, whatever is in focus", () => {
    for (const q of [
      "Can you give me a hint for exercise 1?",
      "I'm stuck on exercise 1",
      "a clue for exercise 1 please",
    ]) {
      expect(asksForHelpWith(q), q).toBe(true);
      const answer = ask(q, "balance-method");
      expect(answer.text, q).toBe(ask("hint please", "exercise-1").text);
      expect(answer.citations, q).toEqual([expect.objectContaining({ id: "exercise-1" })]);
    }
    // Naming no part of the page, it is a question like any other.
    expect(ask("hint for 3x + 7 = 22").text).not.toContain(WHICH_PART);
    expect(asksForHelpWith("how does this help with exercise 1?")).toBe(false);
  });
});
