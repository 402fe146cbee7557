import { describe, expect, it } from "vitest";
import { parseMarkdown } from "./block";
import { parseInline, safeHref } from "./inline";
import { texToMathMLString } from "./tex";
import type { Block, Inline } from "./tree";

/** Every text an inline tree would put on the page, flattened. */
function texts(nodes: Inline[]): string {
  return nodes
    .map((n) => ("text" in n ? n.text : "children" in n ? texts(n.children) : "tex" in n ? n.tex : "\n"))
    .join("");
}
function kinds(nodes: (Inline | Block)[]): string[] {
  return nodes.map((n) => n.type);
}

describe("sanitising", () => {
  it("keeps raw HTML as literal text, never as markup", () => {
    const blocks = parseMarkdown('<script>alert(1)</script> <img src=x onerror="alert(2)">');
    expect(blocks).toEqual([
      {
        type: "paragraph",
        children: [{ type: "text", text: '<script>alert(1)</script> <img src=x onerror="alert(2)">' }],
      },
    ]);
  });

  it("allows only http, https and mailto links", () => {
    expect(safeHref("https://example.org/a?b=1")).toBe("https://example.org/a?b=1");
    expect(safeHref("mailto:help@example.org")).toBe("mailto:help@example.org");
    expect(safeHref("javascript:alert(1)")).toBeNull();
    expect(safeHref(" JaVaScRiPt:alert(1)")).toBeNull();
    expect(safeHref("data:text/html,<b>x</b>")).toBeNull();
    expect(safeHref("/relative")).toBeNull();
    expect(safeHref("vbscript:x")).toBeNull();
  });

  it("turns a link with an unsafe target into its plain label", () => {
    const nodes = parseInline("[click me](javascript:alert(1)) and [ok](https://example.org)");
    expect(nodes.some((n) => n.type === "link" && n.href.startsWith("javascript"))).toBe(false);
    expect(nodes.filter((n) => n.type === "link")).toEqual([
      { type: "link", href: "https://example.org/", children: [{ type: "text", text: "ok" }] },
    ]);
    expect(texts(nodes)).toContain("click me");
  });

  it("bounds nesting so hostile input cannot recurse without end", () => {
    const deep = `${"*".repeat(5000)}x${"*".repeat(5000)}`;
    expect(() => parseInline(deep)).not.toThrow();
    expect(() => parseMarkdown(">".repeat(5000))).not.toThrow();
    expect(texToMathMLString("{".repeat(5000))).toBeNull();
    expect(texToMathMLString(`${"{".repeat(41)}x${"}".repeat(41)}`)).toBeNull();
    expect(texToMathMLString(`${"{".repeat(40)}x${"}".repeat(40)}`)).toContain("<mi>x</mi>");
  });
});

describe("Markdown structure", () => {
  it("parses headings, lists, quotes, rules and paragraphs", () => {
    const blocks = parseMarkdown(
      "# Title\n\nSome *soft* text\nwrapped.\n\n- one\n- two\n\n3. three\n4. four\n\n> quoted\n\n---",
    );
    expect(kinds(blocks)).toEqual(["heading", "paragraph", "list", "list", "quote", "rule"]);
    const para = blocks[1] as Extract<Block, { type: "paragraph" }>;
    expect(texts(para.children)).toBe("Some soft text wrapped.");
    expect(blocks[3]).toMatchObject({ ordered: true, start: 3 });
  });

  it("keeps fenced code verbatim, including Markdown and HTML inside it", () => {
    const blocks = parseMarkdown("```python\nx = 2 * 3  # *not em*\nprint('<b>')\n```\nafter");
    expect(blocks[0]).toEqual({ type: "code", lang: "python", text: "x = 2 * 3  # *not em*\nprint('<b>')" });
    expect(blocks[1]).toMatchObject({ type: "paragraph" });
  });

  it("parses emphasis, inline code and leaves snake_case alone", () => {
    const nodes = parseInline("**bold** and _em_ and `a*b` in my_var_name");
    expect(kinds(nodes)).toEqual(["strong", "text", "em", "text", "code", "text"]);
    expect(texts(nodes)).toBe("bold and em and a*b in my_var_name");
  });

  it("reads inline and display math but not prices", () => {
    expect(parseInline("area $\\pi r^2$ here")).toContainEqual({ type: "math", tex: "\\pi r^2" });
    expect(parseInline("costs $5 and $6 today").every((n) => n.type === "text")).toBe(true);
    expect(parseMarkdown("$$\n\\frac{a}{b}\n$$")).toEqual([{ type: "math", tex: "\\frac{a}{b}" }]);
  });
});

describe("TeX to MathML (Temml)", () => {
  it("builds fractions, roots, scripts and symbols", () => {
    expect(texToMathMLString("\\frac{1}{2}")).toContain("<mfrac><mn>1</mn><mn>2</mn></mfrac>");
    expect(texToMathMLString("\\sqrt{x}")).toMatch(/<msqrt>[\s\S]*<mi>x<\/mi>[\s\S]*<\/msqrt>/);
    expect(texToMathMLString("x_i^2")).toMatch(/<msubsup><mi>x<\/mi><mi>i<\/mi><mn[^>]*>2<\/mn><\/msubsup>/);
    const symbols = texToMathMLString("\\alpha \\le 3.5");
    expect(symbols).toContain("<mi>α</mi>");
    expect(symbols).toContain("≤</mo>");
    expect(symbols).toContain("<mn>3.5</mn>");
    expect(texToMathMLString("x = 1", true)).toContain('display="block"');
  });

  it("never links or embeds markup from untrusted TeX, and shows what it cannot read", () => {
    const link = texToMathMLString("\\href{javascript:alert(1)}{x}");
    expect(link).not.toContain("javascript:");
    expect(link).not.toContain("href=");
    expect(texToMathMLString("\\htmlClass{x}{y}")).not.toContain('class="x"');
    expect(texToMathMLString("\\frac{1}{")).toContain("\\frac{1}{");
  });
});
