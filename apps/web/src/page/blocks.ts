import { IdSchema } from "@atomic-guide/shared/validation";
import * as v from "valibot";

// The page's markup, as agreed with struggle-detector (docs/web-app.md "Content blocks").
export const BLOCK_SELECTOR = "[data-guide-block]";
export const QUIZ_ITEM_SELECTOR = "[data-quiz-item]";
export const CONTENT_TYPES = ["text", "formula", "video", "quiz", "code", "image"] as const;
const MAX_WORDS = 100_000;

/** Words as a reader counts them: runs of letters or digits, joined by ' or -. */
export function countWords(text: string): number {
  let n = 0;
  for (const _ of text.matchAll(/[\p{L}\p{N}]+(?:['’-][\p{L}\p{N}]+)*/gu)) n++;
  return Math.min(n, MAX_WORDS);
}

/** An id from the page is used only if the server would take it. */
export function validId(raw: string | null | undefined): string | undefined {
  if (raw == null) return undefined;
  const parsed = v.safeParse(IdSchema, raw.trim());
  return parsed.success ? parsed.output : undefined;
}

export interface BlockFacts {
  id: string;
  wordCount: number;
  contentType?: (typeof CONTENT_TYPES)[number];
}

const wordCache = new WeakMap<Element, number>();

export function blockFacts(el: Element): BlockFacts | null {
  const id = validId(el.getAttribute("data-guide-block"));
  if (!id) return null;
  let words = wordCache.get(el);
  if (words === undefined) {
    words = countWords(el.textContent ?? "");
    wordCache.set(el, words);
  }
  const type = el.getAttribute("data-content-type");
  const facts: BlockFacts = { id, wordCount: words };
  if ((CONTENT_TYPES as readonly string[]).includes(type ?? "")) facts.contentType = type as BlockFacts["contentType"];
  return facts;
}

export interface QuizItemFacts {
  id: string;
  skill?: string;
  graded: boolean;
}

export function quizItemFacts(el: Element): QuizItemFacts | null {
  const id = validId(el.getAttribute("data-quiz-item"));
  if (!id) return null;
  const skill = validId(el.getAttribute("data-skill"));
  return { id, graded: el.getAttribute("data-graded") === "true", ...(skill ? { skill } : {}) };
}

const closest = (target: EventTarget | null, selector: string): Element | null =>
  target && typeof (target as Element).closest === "function" ? (target as Element).closest(selector) : null;

export const blockElementOf = (target: EventTarget | null) => closest(target, BLOCK_SELECTOR);
export const quizItemElementOf = (target: EventTarget | null) => closest(target, QUIZ_ITEM_SELECTOR);
