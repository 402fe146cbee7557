import { describe, expect, it } from "vitest";
import { buildPageContent, priorityOrder } from "./page-content";

describe("priorityOrder", () => {
  it("starts at the block in view and takes its neighbours outwards", () => {
    expect(priorityOrder(6, 2)).toEqual([2, 1, 3, 0, 4, 5]);
    expect(priorityOrder(3, -1)).toEqual([0, 1, 2]);
    expect(priorityOrder(0, 0)).toEqual([]);
  });
});

describe("buildPageContent", () => {
  const blocks = [
    { id: "intro", text: "Linear equations have one unknown." },
    { id: "example", text: "Example\n\n  Solve  3x + 7 = 22:   subtract 7, then divide by 3. \n" },
    { id: "exercise", text: "Now solve 5x - 4 = 21." },
  ];

  it("marks each block with its id, the block in view first", () => {
    expect(buildPageContent(blocks, "example")).toBe(
      "[[block:example]]\nExample\nSolve 3x + 7 = 22: subtract 7, then divide by 3.\n\n" +
        "[[block:intro]]\nLinear equations have one unknown.\n\n" +
        "[[block:exercise]]\nNow solve 5x - 4 = 21.",
    );
  });

  it("keeps a block's lines apart, so a heading is not read as part of the sentence under it", () => {
    const out = buildPageContent([{ id: "q3", text: "Question 3\nSolve for x: 3x + 7 = 22\n\t\nYour answer" }], "q3");
    expect(out).toBe("[[block:q3]]\nQuestion 3\nSolve for x: 3x + 7 = 22\nYour answer");
  });

  it("stays within the bound, cutting the last block that does not fit whole", () => {
    const long = [
      { id: "a", text: "alpha ".repeat(500) },
      { id: "b", text: "beta ".repeat(3_000) },
      { id: "c", text: "gamma ".repeat(1_000) },
    ];
    const out = buildPageContent(long, "b", 20_000);
    expect(out.length).toBeLessThanOrEqual(20_000);
    expect(out.length).toBeGreaterThan(19_900);
    expect(out.startsWith("[[block:b]]\nbeta")).toBe(true);
    expect(out).toContain("[[block:a]]\nalpha");
    // c comes last and is cut to what is left of the bound.
    expect(out).toContain("[[block:c]]\ngamma");
    expect(out.indexOf("[[block:a]]")).toBeLessThan(out.indexOf("[[block:c]]"));
  });
});
