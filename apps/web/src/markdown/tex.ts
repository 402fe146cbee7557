import temml from "temml";

// TeX becomes MathML through Temml (browsers draw MathML Core; no fonts or CSS to load). Temml
// builds the tree with createElementNS, never innerHTML. Untrusted input: no \href, \url or
// \html* commands (trust off), bounded macro expansion and sizes, and a TeX error shows as its
// source instead of throwing.
const OPTIONS = {
  throwOnError: false,
  trust: false,
  strict: false,
  annotate: false,
  maxExpand: 200,
  maxSize: [20, 20] as [number, number],
};

const MAX_TEX = 2_000;
const MAX_DEPTH = 40;

/** Temml's parser recurses per group: hostile nesting would exhaust the stack, so it is refused. */
export function isTexTooDeep(tex: string): boolean {
  if (tex.length > MAX_TEX) return true;
  let depth = 0;
  for (const ch of tex) {
    if (ch === "{") depth++;
    else if (ch === "}") depth--;
    if (depth > MAX_DEPTH) return true;
  }
  return false;
}

/** Fills an existing <math> element with the MathML for `tex`, or its source when unreadable. */
export function renderTex(math: MathMLElement, tex: string, display: boolean): void {
  try {
    if (!isTexTooDeep(tex)) {
      temml.render(tex, math, { ...OPTIONS, displayMode: display });
      return;
    }
  } catch {
    // Falls through to the source text.
  }
  const text = math.ownerDocument.createElementNS("http://www.w3.org/1998/Math/MathML", "mtext");
  text.textContent = tex;
  math.replaceChildren(text);
}

/** The same MathML as text (for tests, which run without a DOM); null when refused. */
export function texToMathMLString(tex: string, display = false): string | null {
  if (isTexTooDeep(tex)) return null;
  return temml.renderToString(tex, { ...OPTIONS, displayMode: display });
}
