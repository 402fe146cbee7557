import type { Inline } from "./tree";

const ESCAPABLE = new Set("\\`*_{}[]()#+-.!$<>|~".split(""));
const MAX_DEPTH = 8;

/** Only web and mail links survive; javascript:, data:, relative paths and the like become text. */
export function safeHref(raw: string): string | null {
  const href = raw.trim();
  if (!/^(https?:\/\/|mailto:)/i.test(href)) return null;
  try {
    const url = new URL(href);
    if (url.protocol !== "http:" && url.protocol !== "https:" && url.protocol !== "mailto:") return null;
    return url.href;
  } catch {
    return null;
  }
}

export function parseInline(src: string, depth = 0): Inline[] {
  const out: Inline[] = [];
  let text = "";
  const flush = () => {
    if (text) out.push({ type: "text", text });
    text = "";
  };
  let i = 0;
  while (i < src.length) {
    const c = src[i] as string;
    const next = src[i + 1];
    if (c === "\\" && next === "(") {
      const end = src.indexOf("\\)", i + 2);
      if (end !== -1) {
        flush();
        out.push({ type: "math", tex: src.slice(i + 2, end) });
        i = end + 2;
        continue;
      }
    }
    if (c === "\\" && next !== undefined && ESCAPABLE.has(next)) {
      text += next;
      i += 2;
      continue;
    }
    if (c === "\n") {
      // Two trailing spaces before a newline make a hard break; otherwise it is a space.
      if (text.endsWith("  ")) {
        text = text.replace(/ +$/, "");
        flush();
        out.push({ type: "break" });
      } else text += " ";
      i++;
      continue;
    }
    if (c === "`") {
      let run = 1;
      while (src[i + run] === "`") run++;
      const fence = "`".repeat(run);
      const end = src.indexOf(fence, i + run);
      if (end !== -1) {
        flush();
        out.push({ type: "code", text: src.slice(i + run, end).replace(/^ (.*) $/s, "$1") });
        i = end + run;
        continue;
      }
      text += fence;
      i += run;
      continue;
    }
    if (c === "$" && next !== "$" && next !== undefined && !/\s/.test(next)) {
      const end = findMathEnd(src, i + 1);
      if (end !== -1) {
        flush();
        out.push({ type: "math", tex: src.slice(i + 1, end) });
        i = end + 1;
        continue;
      }
    }
    if ((c === "*" || c === "_") && depth < MAX_DEPTH) {
      const strong = next === c;
      const delim = strong ? c + c : c;
      const innerStart = i + delim.length;
      const end = findClosing(src, innerStart, delim);
      // Intraword underscores (snake_case) stay text, as in CommonMark.
      const intraword = c === "_" && i > 0 && /\w/.test(src[i - 1] as string);
      if (end > innerStart && !intraword && !/\s/.test(src[innerStart] as string)) {
        flush();
        out.push({ type: strong ? "strong" : "em", children: parseInline(src.slice(innerStart, end), depth + 1) });
        i = end + delim.length;
        continue;
      }
    }
    if (c === "[" && depth < MAX_DEPTH) {
      const link = matchLink(src, i);
      if (link) {
        const href = safeHref(link.href);
        flush();
        const children = parseInline(link.label, depth + 1);
        if (href) out.push({ type: "link", href, children });
        else out.push(...children);
        i = link.end;
        continue;
      }
    }
    if (c === "<") {
      const close = src.indexOf(">", i + 1);
      const candidate = close === -1 ? "" : src.slice(i + 1, close);
      const href = candidate && !/\s/.test(candidate) ? safeHref(candidate) : null;
      if (href) {
        flush();
        out.push({ type: "link", href, children: [{ type: "text", text: candidate }] });
        i = close + 1;
        continue;
      }
    }
    text += c;
    i++;
  }
  flush();
  return out;
}

function findMathEnd(src: string, from: number): number {
  for (let j = from; j < src.length; j++) {
    const ch = src[j];
    if (ch === "\\") {
      j++;
      continue;
    }
    if (ch === "\n" && src[j + 1] === "\n") return -1;
    // "$5 and $6" is money, not math: the closing $ must not follow a space or precede a digit.
    if (ch === "$") return /\s/.test(src[j - 1] as string) || /\d/.test(src[j + 1] ?? "") ? -1 : j;
  }
  return -1;
}

function findClosing(src: string, from: number, delim: string): number {
  let j = from;
  while (j < src.length) {
    if (src[j] === "\\") {
      j += 2;
      continue;
    }
    if (src[j] === "`") {
      const end = src.indexOf("`", j + 1);
      if (end === -1) return -1;
      j = end + 1;
      continue;
    }
    if (src.startsWith(delim, j) && !/\s/.test(src[j - 1] as string)) {
      // For single delimiters, skip a doubled one (it belongs to a nested strong).
      if (delim.length === 1 && src[j + 1] === delim) {
        const inner = src.indexOf(delim + delim, j + 2);
        if (inner === -1) return -1;
        j = inner + 2;
        continue;
      }
      return j;
    }
    j++;
  }
  return -1;
}

function matchLink(src: string, start: number): { label: string; href: string; end: number } | null {
  let depth = 0;
  let j = start;
  for (; j < src.length; j++) {
    if (src[j] === "\\") {
      j++;
      continue;
    }
    if (src[j] === "[") depth++;
    else if (src[j] === "]" && --depth === 0) break;
  }
  if (j >= src.length || src[j + 1] !== "(") return null;
  const close = src.indexOf(")", j + 2);
  if (close === -1) return null;
  const target = src.slice(j + 2, close).trim();
  const href = target.split(/\s+/)[0] ?? "";
  return { label: src.slice(start + 1, j), href: href.replace(/^<(.*)>$/, "$1"), end: close + 1 };
}
