import { parseMarkdown } from "./block";
import type { Block, Inline } from "./tree";

const MATHML = "http://www.w3.org/1998/Math/MathML";

/** Renders untrusted Markdown into a fragment using only createElement and textContent. */
export function renderMarkdown(doc: Document, source: string): DocumentFragment {
  const frag = doc.createDocumentFragment();
  for (const block of parseMarkdown(source)) frag.append(renderBlock(doc, block));
  return frag;
}

function renderBlock(doc: Document, block: Block): Node {
  switch (block.type) {
    case "paragraph":
      return withInlines(doc, doc.createElement("p"), block.children);
    case "heading": {
      // Answers sit inside a page that already has h1/h2: shift headings down to keep the outline sane.
      const level = Math.min(6, block.level + 2);
      return withInlines(doc, doc.createElement(`h${level}`), block.children);
    }
    case "code": {
      const pre = doc.createElement("pre");
      const code = doc.createElement("code");
      if (block.lang) code.dataset.lang = block.lang;
      code.textContent = block.text;
      pre.tabIndex = 0;
      pre.append(code);
      return pre;
    }
    case "math":
      return renderMath(doc, block.tex, true);
    case "list": {
      const list = doc.createElement(block.ordered ? "ol" : "ul");
      if (block.ordered && block.start !== 1) list.setAttribute("start", String(block.start));
      for (const item of block.items) list.append(withInlines(doc, doc.createElement("li"), item));
      return list;
    }
    case "quote": {
      const q = doc.createElement("blockquote");
      for (const b of block.children) q.append(renderBlock(doc, b));
      return q;
    }
    case "rule":
      return doc.createElement("hr");
  }
}

function withInlines<T extends Element>(doc: Document, parent: T, inlines: Inline[]): T {
  for (const node of inlines) parent.append(renderInline(doc, node));
  return parent;
}

function renderInline(doc: Document, node: Inline): Node {
  switch (node.type) {
    case "text":
      return doc.createTextNode(node.text);
    case "strong":
      return withInlines(doc, doc.createElement("strong"), node.children);
    case "em":
      return withInlines(doc, doc.createElement("em"), node.children);
    case "code": {
      const c = doc.createElement("code");
      c.textContent = node.text;
      return c;
    }
    case "link": {
      const a = doc.createElement("a");
      a.href = node.href;
      a.target = "_blank";
      a.rel = "noopener noreferrer nofollow";
      return withInlines(doc, a, node.children);
    }
    case "math":
      return renderMath(doc, node.tex, false);
    case "break":
      return doc.createElement("br");
  }
}

// Temml is most of the app's weight: it loads with the first formula, not with the first screen.
let tex: Promise<typeof import("./tex")> | null = null;

function renderMath(doc: Document, source: string, display: boolean): Element {
  const math = doc.createElementNS(MATHML, "math") as MathMLElement;
  if (display) math.setAttribute("display", "block");
  // Screen readers without MathML support still get the source; it also shows until Temml is in.
  math.setAttribute("aria-label", source);
  const placeholder = doc.createElementNS(MATHML, "mtext");
  placeholder.textContent = source;
  math.append(placeholder);
  tex ??= import("./tex");
  tex.then((m) => m.renderTex(math, source, display)).catch(() => undefined);
  return math;
}
