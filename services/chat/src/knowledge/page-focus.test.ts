import { describe, expect, it } from "vitest";
import { GRADED_NOTICE } from "../chat/graded-guard";
import { composeOfflineAnswer } from "../providers/offline";
import { ask, call, learner } from "../testing/helpers";
import { pageBlocks } from "./page-blocks";
import { pageFocus } from "./page-focus";

// One block, three quiz items: the markers name the block, not the items (as the sample course).
const CHECK = [
  "Check your understanding",
  "Solve x + 4 = 9. x =",
  "Solve 2x - 3 = 11. x =",
  "Graded: solve 4x + 1 = 25. x =",
].join("\n");
const PAGE = `[[block:intro]]\nSolving linear equations.\n[[block:check]]\n${CHECK}`;
const GRADED_ITEM = "Graded: solve 4x + 1 = 25. x =\nCheck";

describe("the part of the page the learner works in", () => {
  it("is the named block, or a quiz item's own text under the id of the block holding it", () => {
    const blocks = pageBlocks(PAGE);
    expect(pageFocus(blocks, "check", undefined)?.text).toBe(CHECK);
    expect(pageFocus(blocks, "q-graded", GRADED_ITEM)).toEqual({ id: "check", text: GRADED_ITEM });
    expect(pageFocus(blocks, "check", GRADED_ITEM)).toEqual({ id: "check", text: GRADED_ITEM });
    expect(pageFocus(blocks, "q-graded", undefined)).toBeUndefined();
  });

  it("keeps a graded item's answer from a model that states it, when the item is one of several in a block", async () => {
    const reply = await ask(
      learner(),
      {
        message: "What is x? [[ai:leak]]",
        pageContext: {
          pageContent: PAGE.replace("4x + 1 = 25", "3x + 7 = 22"),
          elementId: "q-graded",
          elementText: "Graded: solve 3x + 7 = 22. x =",
          graded: true,
        },
      },
      { provider: "workers-ai" },
    );
    expect(reply.provider).toBe("workers-ai");
    expect(reply.response.startsWith(GRADED_NOTICE)).toBe(true);
    expect(reply.response).not.toContain("x = 5");
  });

  it("checks a value against the item in focus, not the block's first exercise", () => {
    const answer = composeOfflineAnswer(
      {
        messages: [],
        maxTokens: 100,
        question: "is it 6?",
        pageContent: PAGE,
        elementId: "q-graded",
        elementText: GRADED_ITEM,
        tenantId: "t",
      },
      [],
    ).text;
    expect(answer).toContain("putting it back into 4x + 1 = 25");
  });

  it("gives the 'I'm stuck' hint for the item, cited to its block", async () => {
    const res = await call(
      learner(),
      "POST",
      "/api/chat/help",
      {
        kind: "hint",
        pageContext: { pageContent: PAGE, elementId: "check", elementText: GRADED_ITEM, graded: true },
      },
      { provider: "offline" },
    );
    const help = await res.json<{ text: string; citations: { id: string; excerpt: string }[] }>();
    expect(help.citations).toEqual([
      expect.objectContaining({ id: "check", excerpt: "Graded: solve 4x + 1 = 25. x =" }),
    ]);
    expect(help.text).not.toMatch(/x = 6\b/);
  });
});
