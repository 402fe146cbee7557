import { describe, expect, it } from "vitest";
import { rankBm25 } from "./bm25";

interface Doc {
  id: string;
  text: string;
}

const ids = (query: string, docs: Doc[]) => rankBm25(query, docs, (d) => d.text, true).map((s) => s.item.id);

describe("rankBm25 with kept term counts", () => {
  const docs = (): Doc[] => [
    { id: "mitosis", text: "Mitosis divides one cell into two identical cells." },
    { id: "osmosis", text: "Osmosis moves water across a membrane." },
    { id: "enzymes", text: "Enzymes speed up reactions in the cell." },
  ];

  it("ranks the same as counting afresh, asked again and again", () => {
    const kept = docs();
    const fresh = rankBm25("How does a cell divide?", docs(), (d) => d.text).map((s) => s.item.id);
    expect(ids("How does a cell divide?", kept)).toEqual(fresh);
    expect(ids("How does a cell divide?", kept)).toEqual(fresh);
    expect(ids("water membrane", kept)).toEqual(["osmosis"]);
  });

  it("counts a document again when its text changed", () => {
    const kept = docs();
    expect(ids("photosynthesis", kept)).toEqual([]);
    const enzymes = kept[2];
    if (!enzymes) throw new Error("no third document");
    enzymes.text = "Photosynthesis turns light into sugar.";
    expect(ids("photosynthesis", kept)).toEqual(["enzymes"]);
  });
});
