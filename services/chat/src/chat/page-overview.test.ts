import { describe, expect, it } from "vitest";
import { pageBlocks } from "../knowledge/page-blocks";
import { composeOfflineAnswer, OFFLINE_NONE, OFFLINE_PAGE_LABEL } from "../providers/offline";
import { ask as askChat, learner } from "../testing/helpers";
import { asksForGist, asksForOverview, pageOverview } from "./page-overview";

// As the web client sends it: the block in view first, then its neighbours.
const PAGE = [
  "[[block:balance-method]]",
  "The balance method",
  "The balance method rests on one rule: you may do anything you like to an equation as long as you do the same thing to both sides.",
  "[[block:intro]]",
  "What you will learn",
  "In this lesson you will solve linear equations with one unknown, using the balance method, and check your answers.",
  "[[block:worked-example]]",
  "Worked example",
  "Solve 3x + 7 = 22. Subtract 7 from both sides: 3x = 15.",
  "[[block:exercise-1]]",
  "Exercise 1",
  "Solve 2x - 3 = 11. x =",
].join("\n");

const ask = (question: string, pageContent: string | undefined = PAGE, pageTitle = "Solving linear equations") =>
  composeOfflineAnswer({ messages: [], maxTokens: 100, question, pageContent, pageTitle, tenantId: "t" }, []);

describe("a question about the page as a whole", () => {
  it("is told apart from a question about something on it", () => {
    for (const q of [
      "What is this page about?",
      "whats this lesson about",
      "what's this all about?",
      "Summarise this page please",
      "can you summarize this lesson for me?",
      "Give me a quick overview of this page",
      "tl;dr",
      "What will I learn here?",
      "what am I learning in this lesson",
      "What does this page cover?",
      "what's the main idea of this lesson?",
      "can you summarize the video?",
      "What is this clip about?",
      "sum up the article",
      "summarise it please",
      "Summarise this page",
    ])
      expect(asksForOverview(q), q).toBe(true);
    for (const q of [
      "What is an equation?",
      "what is the balance method about?",
      "summarize the worked example's first step",
      "what will I learn if I do exercise 1?",
      "What is this page's exercise 1 asking?",
    ])
      expect(asksForOverview(q), q).toBe(false);
  });

  it("gets the page's title, its own statement of its aim quoted and cited, and its parts", () => {
    const answer = ask("What is this page about?");
    expect(answer.text).toBe(
      [
        OFFLINE_PAGE_LABEL,
        'This page is "Solving linear equations".',
        "It says what it is for:\n\n> In this lesson you will solve linear equations with one unknown, using the balance method, and check your answers.",
        "Its parts: The balance method, Worked example, Exercise 1.",
        "Ask me about any of them, or about a sentence you'd like explained.",
      ].join("\n\n"),
    );
    expect(answer.citations).toEqual([
      expect.objectContaining({ source: "page", id: "intro", excerpt: expect.stringContaining("In this lesson") }),
    ]);
  });

  it("finds the aim by its first words when no heading names it, and does without one", () => {
    const noHeading = pageBlocks(
      "[[block:a]]\nFractions\nThis lesson explains how to add fractions with different denominators.\n[[block:b]]\nCommon denominators\nFind the least common multiple first.",
    );
    expect(pageOverview(noHeading, undefined)?.text).toContain(
      "> This lesson explains how to add fractions with different denominators.",
    );
    const video = pageBlocks(
      "[[block:clip]]\nThe balance at work\n3x + 7 = 22: take 7 from both pans.\n[[block:before]]\nBefore you watch\nThis short clip shows a balance staying level while the same weight is taken from both pans.",
    );
    expect(pageOverview(video, "Watch: the balance at work")?.text).toBe(
      'This page is "Watch: the balance at work".\n\nIt says what it is for:\n\n> This short clip shows a balance staying level while the same weight is taken from both pans.\n\nIts parts: The balance at work.\n\nAsk me about any of them, or about a sentence you\'d like explained.',
    );
    const noAim = pageOverview(pageBlocks("[[block:a]]\nFractions\nA fraction is part of a whole."), "Fractions");
    expect(noAim?.text).toBe(
      'This page is "Fractions".\n\nIts parts: Fractions.\n\nAsk me about any of them, or about a sentence you\'d like explained.',
    );
    expect(noAim?.citations).toEqual([]);
  });

  it("asked for a summary, also gives the gist: the sentences that carry most of the page's words, cited", () => {
    const video = [
      "[[block:before]]",
      "Before you watch",
      "This short clip shows a balance staying level while the same weight is taken from both pans.",
      "[[block:notes]]",
      "Notes on the clip",
      "The left pan holds three bags of equal weight and seven single weights; the right pan holds twenty-two single weights.",
      "Taking seven single weights from each pan leaves three bags against fifteen weights, so each bag weighs five.",
      "Notice that the balance never tips: every move is made on both sides at once.",
      "The presenter wears a blue jumper.",
    ].join("\n");
    expect(asksForGist("can you summarize the video?")).toBe(true);
    expect(asksForGist("what is this video about?")).toBe(false);
    const summary = ask("Can you summarize the video?", video, "Watch: the balance at work");
    expect(summary.text).toContain("In short, it says:\n\n> The left pan holds three bags");
    expect(summary.text).toContain("> Taking seven single weights from each pan");
    expect(summary.text).not.toContain("blue jumper");
    // The aim is said once, not again as part of the gist.
    expect(summary.text.match(/This short clip shows/g)).toHaveLength(1);
    expect(summary.citations.map((c) => c.id)).toEqual(["before", "notes", "notes", "notes"]);
    expect(ask("What is this video about?", video).text).not.toContain("In short");
  });

  it("without a page, is not found rather than described", () => {
    expect(ask("What is this page about?", "").text).toBe(OFFLINE_NONE);
  });

  it("through POST /api/chat/message, names the page by the title the learner's page sent", async () => {
    const reply = await askChat(
      learner(),
      {
        message: "what's this lesson about?",
        pageContext: { pageTitle: "Solving linear equations", pageContent: PAGE },
      },
      { provider: "offline" },
    );
    expect(reply.response).toContain('This page is "Solving linear equations".');
    expect(reply.citations).toEqual([expect.objectContaining({ source: "page", id: "intro" })]);
  });
});
