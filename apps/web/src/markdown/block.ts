import { parseInline } from "./inline";
import type { Block, Inline } from "./tree";

const FENCE = /^ {0,3}(`{3,}|~{3,})\s*([\w+#.-]*)/;
const HEADING = /^ {0,3}(#{1,6})\s+(.*?)\s*#*\s*$/;
const RULE = /^ {0,3}([-*_])(\s*\1){2,}\s*$/;
const BULLET = /^ {0,3}([-*+])\s+(.*)$/;
const ORDERED = /^ {0,3}(\d{1,9})[.)]\s+(.*)$/;
const QUOTE = /^ {0,3}>\s?(.*)$/;
const MAX_QUOTE_DEPTH = 5;
/** Chat answers are at most a few thousand characters; anything longer is cut, not parsed. */
export const MAX_SOURCE_CHARS = 50_000;

export function parseMarkdown(source: string, depth = 0): Block[] {
  const lines = source.slice(0, MAX_SOURCE_CHARS).replace(/\r\n?/g, "\n").split("\n");
  const blocks: Block[] = [];
  let para: string[] = [];
  const endPara = () => {
    if (para.length) blocks.push({ type: "paragraph", children: parseInline(para.join("\n").trim()) });
    para = [];
  };
  let i = 0;
  while (i < lines.length) {
    const line = lines[i] as string;
    const fence = FENCE.exec(line);
    if (fence) {
      endPara();
      const marker = fence[1] as string;
      const body: string[] = [];
      i++;
      while (i < lines.length && !(lines[i] as string).trimStart().startsWith(marker)) body.push(lines[i++] as string);
      i++;
      blocks.push({ type: "code", lang: fence[2] ?? "", text: body.join("\n") });
      continue;
    }
    if (line.trim().startsWith("$$")) {
      endPara();
      const first = line.trim().slice(2);
      if (first.endsWith("$$")) {
        blocks.push({ type: "math", tex: first.slice(0, -2).trim() });
        i++;
        continue;
      }
      const body = [first];
      i++;
      while (i < lines.length && !(lines[i] as string).includes("$$")) body.push(lines[i++] as string);
      if (i < lines.length) body.push((lines[i] as string).split("$$")[0] as string);
      i++;
      blocks.push({ type: "math", tex: body.join("\n").trim() });
      continue;
    }
    if (line.trim() === "") {
      endPara();
      i++;
      continue;
    }
    const heading = HEADING.exec(line);
    if (heading) {
      endPara();
      blocks.push({ type: "heading", level: (heading[1] as string).length, children: parseInline(heading[2] ?? "") });
      i++;
      continue;
    }
    if (RULE.test(line)) {
      endPara();
      blocks.push({ type: "rule" });
      i++;
      continue;
    }
    if (QUOTE.test(line)) {
      endPara();
      const body: string[] = [];
      while (i < lines.length && QUOTE.test(lines[i] as string)) body.push(QUOTE.exec(lines[i++] as string)?.[1] ?? "");
      const inner = body.join("\n");
      blocks.push(
        depth < MAX_QUOTE_DEPTH
          ? { type: "quote", children: parseMarkdown(inner, depth + 1) }
          : { type: "paragraph", children: parseInline(inner) },
      );
      continue;
    }
    const bullet = BULLET.exec(line);
    const ordered = bullet ? null : ORDERED.exec(line);
    if (bullet || ordered) {
      endPara();
      const isOrdered = ordered !== null;
      const pattern = isOrdered ? ORDERED : BULLET;
      const items: string[][] = [];
      while (i < lines.length) {
        const l = lines[i] as string;
        const m = pattern.exec(l);
        if (m) items.push([m[2] ?? ""]);
        else if (l.trim() !== "" && /^\s+/.test(l) && items.length) items[items.length - 1]?.push(l.trim());
        else break;
        i++;
      }
      const list: Inline[][] = items.map((it) => parseInline(it.join("\n")));
      blocks.push({ type: "list", ordered: isOrdered, start: isOrdered ? Number(ordered?.[1]) : 1, items: list });
      continue;
    }
    para.push(line);
    i++;
  }
  endPara();
  return blocks;
}
