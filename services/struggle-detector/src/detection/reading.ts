import type { DetectorConfig } from "./thresholds";

/**
 * Expected time on a block from its length: words at the configured reading speed, slower for
 * dense content. Multipliers are coarse by design: they only keep a formula or a code listing
 * from looking "slow" against prose of the same word count.
 */
const DENSITY: Record<string, number> = { formula: 3, code: 2, quiz: 1.5 };
/** Words assumed for a block whose length the client did not send (a short paragraph or an item). */
export const DEFAULT_BLOCK_WORDS = 25;

export function expectedReadingMs(
  words: number | undefined,
  contentType: string | undefined,
  c: DetectorConfig,
): number {
  const perWord = 60_000 / c.readingWpm;
  const density = (contentType && DENSITY[contentType]) || 1;
  return Math.max(c.minExpectedMs, (words ?? DEFAULT_BLOCK_WORDS) * perWord * density);
}

/** Media: time on it is watching, never idleness or slow reading. */
export const isMedia = (contentType: string | undefined) => contentType === "video" || contentType === "audio";

/** Word counts of the blocks seen most recently, so a signal without one (a quiz attempt) can use it. */
const WORD_MEMORY = 16;

export function rememberWords(memory: [string, number][], elementId: string | undefined, words: number | undefined) {
  if (!elementId || words === undefined) return;
  const i = memory.findIndex(([id]) => id === elementId);
  if (i >= 0) memory.splice(i, 1);
  memory.unshift([elementId, words]);
  if (memory.length > WORD_MEMORY) memory.length = WORD_MEMORY;
}

export const wordsOf = (memory: readonly [string, number][], elementId: string | undefined) =>
  elementId ? memory.find(([id]) => id === elementId)?.[1] : undefined;
