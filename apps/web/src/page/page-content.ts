/** The page's text as chat takes it (issue 15 / the agreement): block markers, bounded. */
export const MAX_PAGE_CONTENT = 20_000;
const marker = (id: string) => `[[block:${id}]]\n`;

export interface PageBlockText {
  id: string;
  text: string;
}

/** Block indexes in priority order: the block in view, then its neighbours outwards. */
export function priorityOrder(count: number, inView: number): number[] {
  if (count === 0) return [];
  const start = inView >= 0 && inView < count ? inView : 0;
  const out = [start];
  for (let d = 1; out.length < count; d++) {
    if (start - d >= 0) out.push(start - d);
    if (start + d < count) out.push(start + d);
  }
  return out;
}

/**
 * A block's rendered lines, each with its spaces collapsed: a heading, a paragraph and a label
 * stay apart (chat quotes sentences and splits them at line breaks), blank lines go.
 */
const lines = (text: string) =>
  text
    .split("\n")
    .map((line) => line.replace(/\s+/g, " ").trim())
    .filter(Boolean)
    .join("\n");

/** The most of a quiz item's own text a question carries (`elementText`). */
export const MAX_ELEMENT_TEXT = 2000;

/** A quiz item's text as chat takes it: its rendered lines, bounded. */
export const elementTextOf = (text: string) => lines(text).slice(0, MAX_ELEMENT_TEXT);

/**
 * Each block starts with a `[[block:<id>]]` line so chat can cite it. Blocks go in priority
 * order until `max` characters; the last one that does not fit whole is cut, so the block in
 * view always gets in even when it is long on its own.
 */
export function buildPageContent(blocks: PageBlockText[], inViewId: string | null, max = MAX_PAGE_CONTENT): string {
  const order = priorityOrder(
    blocks.length,
    blocks.findIndex((b) => b.id === inViewId),
  );
  let out = "";
  for (const i of order) {
    const block = blocks[i];
    if (!block) continue;
    const text = lines(block.text);
    if (!text) continue;
    const piece = `${out ? "\n\n" : ""}${marker(block.id)}${text}`;
    if (out.length + piece.length <= max) {
      out += piece;
      continue;
    }
    const room = max - out.length - (piece.length - text.length);
    if (room >= 40) out += piece.slice(0, piece.length - text.length + room);
    break;
  }
  return out;
}
