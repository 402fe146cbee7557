/** One content block of the page; `id` is its `data-guide-block` id (absent before the first marker). */
export interface PageBlock {
  id: string | undefined;
  text: string;
}

/** The marker line the web client puts before each block: `[[block:<id>]]`, id printable ASCII. */
const MARKER = /^[ \t]*\[\[block:([\x21-\x5c\x5e-\x7e]{1,255})\]\][ \t]*$/;

/** Splits marked page text into its blocks, in page order; unmarked text is one anonymous block. */
export function pageBlocks(pageContent: string | undefined): PageBlock[] {
  if (!pageContent) return [];
  const blocks: PageBlock[] = [];
  let current: PageBlock = { id: undefined, text: "" };
  const push = () => {
    const text = current.text.trim();
    if (text) blocks.push({ id: current.id, text });
  };
  for (const line of pageContent.replace(/\r\n?/g, "\n").split("\n")) {
    const marker = MARKER.exec(line);
    if (marker) {
      push();
      current = { id: marker[1], text: "" };
    } else {
      current.text += `${line}\n`;
    }
  }
  push();
  return blocks;
}

/** Blocks back to marked text, for the model's page block (the markers let it see the structure). */
export const renderBlocks = (blocks: readonly PageBlock[]) =>
  blocks.map((b) => (b.id ? `[[block:${b.id}]]\n${b.text}` : b.text)).join("\n\n");

/** The block an element id names, if the page sent it. */
export const blockById = (blocks: readonly PageBlock[], id: string | undefined) =>
  id === undefined ? undefined : blocks.find((b) => b.id === id);

/** Sentences of a block: split on sentence ends and line breaks, so list items and formulas stand alone. */
export function sentencesOf(text: string): string[] {
  return text
    .split(/(?<=[.!?])\s+(?=[\p{Lu}\p{N}"'(])|\n+/u)
    .map((s) => s.trim())
    .filter((s) => s.length > 1);
}
