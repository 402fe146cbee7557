import { describe, expect, it } from "vitest";
import { pageBlocks } from "../knowledge/page-blocks";
import { composeOfflineHelp } from "./help-offline";

// A long block of prose no other block explains: the "I'm stuck" hint falls back on its own words.
const PAGE = pageBlocks(
  [
    "[[block:balance-method]]",
    "The balance method",
    "An equation is a statement that two expressions have the same value. The equals sign works like the pivot of a balance. The balance method rests on one rule: you may do anything you like to an equation as long as you do the same thing to both sides. Multiply or divide both sides by the same number, other than zero, and it still stays level.",
    "[[block:video]]",
    "Watch the video",
    "A short clip of a see-saw.",
  ].join("\n"),
);

describe("offline help on a block of prose", () => {
  it("hints with the block's key sentences, never its heading alone", () => {
    const hint = composeOfflineHelp({ kind: "hint", blocks: PAGE, focus: PAGE[0] }, []);
    expect(hint.text.startsWith("Hint: this part comes down to these sentences.")).toBe(true);
    expect(hint.text).toContain("> The balance method rests on one rule");
    expect(hint.text).not.toContain("> The balance method\n");
    expect(hint.text.split("\n\n")).not.toContain("> The balance method");
    expect(hint.citations).toEqual([expect.objectContaining({ source: "page", id: "balance-method" })]);
  });

  it("summarises what the block says, not what it is called", () => {
    const short = pageBlocks("[[block:m]]\nBoth sides\nKeep both sides level. Do the same to both sides.");
    const summary = composeOfflineHelp({ kind: "content_summary", blocks: short, focus: short[0] }, []);
    expect(summary.text).toBe("In short:\n\n> Keep both sides level.\n\n> Do the same to both sides.");
  });
});
