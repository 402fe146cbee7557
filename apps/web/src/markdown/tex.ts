import type { MathNode } from "./tree";

// A small TeX subset rendered as MathML (Chromium, Firefox and Safari draw MathML Core), so no
// math library or font download is needed. Anything unknown is shown as its source text.
const SYMBOLS: Record<string, { tag: "mi" | "mo"; text: string }> = {
  alpha: { tag: "mi", text: "α" },
  beta: { tag: "mi", text: "β" },
  gamma: { tag: "mi", text: "γ" },
  delta: { tag: "mi", text: "δ" },
  epsilon: { tag: "mi", text: "ε" },
  theta: { tag: "mi", text: "θ" },
  lambda: { tag: "mi", text: "λ" },
  mu: { tag: "mi", text: "μ" },
  pi: { tag: "mi", text: "π" },
  sigma: { tag: "mi", text: "σ" },
  phi: { tag: "mi", text: "φ" },
  omega: { tag: "mi", text: "ω" },
  Delta: { tag: "mi", text: "Δ" },
  Sigma: { tag: "mi", text: "Σ" },
  Omega: { tag: "mi", text: "Ω" },
  infty: { tag: "mi", text: "∞" },
  cdot: { tag: "mo", text: "·" },
  times: { tag: "mo", text: "×" },
  div: { tag: "mo", text: "÷" },
  pm: { tag: "mo", text: "±" },
  le: { tag: "mo", text: "≤" },
  leq: { tag: "mo", text: "≤" },
  ge: { tag: "mo", text: "≥" },
  geq: { tag: "mo", text: "≥" },
  neq: { tag: "mo", text: "≠" },
  ne: { tag: "mo", text: "≠" },
  approx: { tag: "mo", text: "≈" },
  to: { tag: "mo", text: "→" },
  rightarrow: { tag: "mo", text: "→" },
  sum: { tag: "mo", text: "∑" },
  prod: { tag: "mo", text: "∏" },
  int: { tag: "mo", text: "∫" },
  partial: { tag: "mi", text: "∂" },
  in: { tag: "mo", text: "∈" },
  sin: { tag: "mi", text: "sin" },
  cos: { tag: "mi", text: "cos" },
  tan: { tag: "mi", text: "tan" },
  log: { tag: "mi", text: "log" },
  ln: { tag: "mi", text: "ln" },
  lim: { tag: "mi", text: "lim" },
};
const MAX_TEX = 2000;
const MAX_DEPTH = 20;

export function texToMath(tex: string): MathNode {
  const parser = new TexParser(tex.slice(0, MAX_TEX));
  return { tag: "mrow", children: parser.sequence(0, null) };
}

class TexParser {
  private i = 0;
  constructor(private readonly src: string) {}

  sequence(depth: number, close: string | null): MathNode[] {
    const out: MathNode[] = [];
    while (this.i < this.src.length) {
      const c = this.src[this.i] as string;
      if (close !== null && c === close) {
        this.i++;
        return out;
      }
      if (c === "^" || c === "_") {
        this.i++;
        const base = out.pop() ?? { tag: "mrow", children: [] };
        const script = this.atom(depth);
        out.push(attachScript(base, c, script));
        continue;
      }
      const atom = this.atom(depth);
      if (atom) out.push(atom);
    }
    return out;
  }

  private atom(depth: number): MathNode {
    const c = this.src[this.i] as string;
    if (depth > MAX_DEPTH) {
      this.i = this.src.length;
      return { tag: "mtext", text: "…" };
    }
    if (/\s/.test(c)) {
      this.i++;
      while (/\s/.test(this.src[this.i] ?? "")) this.i++;
      return this.i < this.src.length && !"^_}".includes(this.src[this.i] as string)
        ? this.atom(depth)
        : { tag: "mrow", children: [] };
    }
    if (c === "{") {
      this.i++;
      return { tag: "mrow", children: this.sequence(depth + 1, "}") };
    }
    if (c === "\\") {
      const m = /^\\([a-zA-Z]+|.)/.exec(this.src.slice(this.i));
      const name = m?.[1] ?? "";
      this.i += 1 + name.length;
      if (name === "frac") return { tag: "mfrac", children: [this.atom(depth + 1), this.atom(depth + 1)] };
      if (name === "sqrt") return { tag: "msqrt", children: [this.atom(depth + 1)] };
      if (name === "text" || name === "mathrm") {
        const arg = this.atom(depth + 1);
        return { tag: "mtext", text: flatText(arg) };
      }
      if (name === "left" || name === "right") return this.atom(depth);
      const sym = SYMBOLS[name];
      if (sym) return { tag: sym.tag, text: sym.text };
      if (/^[{}\\$%&#_ ,;!]$/.test(name)) return { tag: "mo", text: name.trim() ? name : " " };
      return { tag: "mtext", text: `\\${name}` };
    }
    if (/\d/.test(c)) {
      const m = /^\d+(\.\d+)?/.exec(this.src.slice(this.i));
      const num = m?.[0] ?? c;
      this.i += num.length;
      return { tag: "mn", text: num };
    }
    this.i++;
    if (/[a-zA-Z]/.test(c)) return { tag: "mi", text: c };
    if (c === "}") return { tag: "mrow", children: [] };
    return { tag: "mo", text: c };
  }
}

function attachScript(base: MathNode, kind: string, script: MathNode): MathNode {
  // x_i^2: a subscript followed by a superscript merges into one msubsup.
  if (kind === "^" && base.tag === "msub")
    return { tag: "msubsup", children: [base.children[0], base.children[1], script] };
  return { tag: kind === "^" ? "msup" : "msub", children: [base, script] };
}

function flatText(node: MathNode): string {
  return "text" in node ? node.text : node.children.map(flatText).join("");
}
