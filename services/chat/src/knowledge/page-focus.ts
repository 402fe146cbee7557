import { blockById, type PageBlock } from "./page-blocks";

/**
 * The part of the page the learner is working in: the block `elementId` names, or, for a quiz
 * item inside a block (`pageContent` marks blocks only), the item's own text (`elementText`) under
 * the id of the block that holds it, for citations. A block with several items ("Check your
 * understanding") would otherwise stand for its first item's exercise, whichever the learner is on.
 */
export function pageFocus(
  blocks: readonly PageBlock[],
  elementId: string | undefined,
  elementText: string | undefined,
): PageBlock | undefined {
  const named = blockById(blocks, elementId);
  const item = elementText?.trim();
  if (!item) return named;
  const firstLine = item.split("\n", 1)[0]?.trim() ?? "";
  const holder = named ?? (firstLine ? blocks.find((b) => b.text.includes(firstLine)) : undefined);
  return { id: holder?.id, text: item };
}

/** What a hint is for: the part in focus, or the page's one part when it has only one. */
export const hintFocus = (
  blocks: readonly PageBlock[],
  elementId: string | undefined,
  elementText: string | undefined,
): PageBlock | undefined => pageFocus(blocks, elementId, elementText) ?? (blocks.length === 1 ? blocks[0] : undefined);
