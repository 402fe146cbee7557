import { describe, expect, it } from "vitest";
import { prepareBatch } from "./signals";

describe("prepareBatch", () => {
  const now = Date.now();
  const at = (offsetMs: number) => new Date(now + offsetMs).toISOString();

  it("hands the detector a batch oldest first, same-millisecond signals in the order sent, repeats once", () => {
    const prepared = prepareBatch(
      [
        { type: "answer_change", at: at(-3_000), elementId: "q1" },
        { type: "click", at: at(-9_000), elementId: "b" },
        { type: "answer_change", at: at(-9_000), elementId: "q1" },
        { type: "click", at: at(-9_000), elementId: "b" },
        { type: "hover", at: at(-6_000) },
      ],
      now,
    );
    expect(prepared.map((s) => [s.type, s.atMs - now, s.elementId])).toEqual([
      ["click", -9_000, "b"],
      ["answer_change", -9_000, "q1"],
      ["hover", -6_000, undefined],
      ["answer_change", -3_000, "q1"],
    ]);
  });
});
