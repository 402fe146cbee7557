import { mostVisible } from "../signals/dwell";
import {
  BLOCK_SELECTOR,
  blockElementOf,
  blockFacts,
  QUIZ_ITEM_SELECTOR,
  quizItemElementOf,
  quizItemFacts,
} from "./blocks";
import { buildPageContent, elementTextOf } from "./page-content";

/**
 * The document whose content the learner reads. Normally the app's own page; when the guide
 * runs in a frame next to the content on the same origin (the sample course in local
 * development, an LMS page that embeds the guide on its own origin), the parent's page when it
 * marks content blocks. A cross-origin parent throws on access and the app's own page is used.
 */
export function contentDocumentFor(own: Document): Document {
  try {
    const win = own.defaultView;
    const parent = win?.parent;
    if (parent && parent !== win && parent.document.querySelector(BLOCK_SELECTOR)) return parent.document;
  } catch {
    // Cross-origin parent: not readable, by design.
  }
  return own;
}

export interface ContentPageListener {
  /** The most visible block changed (null: no block in view). */
  onInView?(blockId: string | null): void;
  /** A quiz item is at least half in view. */
  onQuizItemShown?(itemId: string): void;
}

/** What chat gets to ground an answer on (the agreement's pageContext additions). */
export interface PageSnapshot {
  pageTitle?: string;
  pageContent?: string;
  elementId?: string;
  /** The item's own text when the element in focus is a quiz item, not a block. */
  elementText?: string;
  graded?: boolean;
}

/**
 * The learner's content page: its marked blocks, the block in view (IntersectionObserver from
 * the page's own window: an observer only sees targets in its own document tree), and the
 * item the learner last worked in. Shared by signal capture, chat and interventions.
 */
export class ContentPage {
  private observer: IntersectionObserver | null = null;
  /** Visible area per block id, kept in document order. */
  private readonly visible = new Map<string, number>();
  private readonly blocks: Element[];
  private readonly listeners = new Set<ContentPageListener>();
  private current: string | null = null;
  private lastFocused: Element | null = null;
  private readonly abort = new AbortController();

  constructor(readonly doc: Document) {
    this.blocks = [...doc.querySelectorAll(BLOCK_SELECTOR)].filter((el) => blockFacts(el) !== null);
    for (const el of this.blocks) this.visible.set(blockFacts(el)?.id ?? "", 0);
  }

  start(): void {
    const Observer = this.doc.defaultView?.IntersectionObserver;
    if (!Observer || this.observer) return;
    this.observer = new Observer((entries) => this.update(entries), {
      threshold: [0, 0.1, 0.25, 0.5, 0.75, 0.9, 1],
    });
    for (const el of this.blocks) this.observer.observe(el);
    for (const el of this.doc.querySelectorAll(QUIZ_ITEM_SELECTOR)) this.observer.observe(el);
    this.doc.addEventListener(
      "focusin",
      (e) => {
        const el = quizItemElementOf(e.target) ?? blockElementOf(e.target);
        if (el) this.lastFocused = el;
      },
      { capture: true, signal: this.abort.signal },
    );
  }

  stop(): void {
    this.observer?.disconnect();
    this.observer = null;
    this.abort.abort();
  }

  subscribe(listener: ContentPageListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  get inView(): string | null {
    return this.current;
  }

  get hasBlocks(): boolean {
    return this.blocks.length > 0;
  }

  blockById(id: string): Element | null {
    return this.blocks.find((el) => blockFacts(el)?.id === id) ?? null;
  }

  /**
   * The id of the block an element belongs to: a block is its own, a quiz item the block around
   * it. Chat cites and grounds on blocks (the `[[block:<id>]]` markers), never on items.
   */
  blockIdOf(id: string): string | undefined {
    if (this.blockById(id)) return id;
    const item = this.doc.querySelector(`[data-quiz-item="${CSS.escape(id)}"]`);
    const block = item ? blockElementOf(item) : null;
    return block ? blockFacts(block)?.id : undefined;
  }

  /** What the page calls an element: the heading of its block ("Question 3"), if it shows one. */
  titleOf(elementId: string): string | undefined {
    const blockId = this.blockIdOf(elementId);
    const heading = blockId ? this.blockById(blockId)?.querySelector("h1, h2, h3, h4, h5, h6") : null;
    return heading?.textContent?.replace(/\s+/g, " ").trim() || undefined;
  }

  /**
   * The page as chat takes it: block-marked text (the block in view and its neighbours first),
   * the element in focus (the quiz item or block the learner last worked in, else the block in
   * view) and whether that item counts for a grade.
   */
  snapshot(focusOn?: string): PageSnapshot {
    if (!this.hasBlocks) return {};
    const texts = this.blocks.map((el) => ({
      id: blockFacts(el)?.id ?? "",
      // biome-ignore lint/performance/useDomNodeTextContent: the rendered text keeps the breaks between a heading and its paragraph that textContent runs together; read once per question.
      text: (el as HTMLElement).innerText || el.textContent || "",
    }));
    const focusedItem = this.lastFocused ? quizItemFacts(this.lastFocused) : null;
    const focusedBlock = this.lastFocused ? blockFacts(this.lastFocused) : null;
    const elementId = focusOn ?? focusedItem?.id ?? focusedBlock?.id ?? this.current ?? undefined;
    const itemEl = elementId ? this.doc.querySelector(`[data-quiz-item="${CSS.escape(elementId)}"]`) : null;
    const blockEl = elementId ? this.blockById(elementId) : null;
    const graded =
      (itemEl ? quizItemFacts(itemEl)?.graded : undefined) ??
      (blockEl ? blockEl.querySelector('[data-graded="true"]') !== null : undefined);
    const itemBlock = itemEl ? blockElementOf(itemEl) : null;
    const around = blockEl ? elementId : itemBlock ? blockFacts(itemBlock)?.id : undefined;
    const title = this.doc.querySelector("h1")?.textContent?.trim() || this.doc.title;
    // The markers name blocks only: an item's own exercise travels beside them.
    const elementText = itemEl
      ? // biome-ignore lint/performance/useDomNodeTextContent: rendered lines keep the prompt apart from the input's label.
        elementTextOf((itemEl as HTMLElement).innerText || itemEl.textContent || "")
      : undefined;
    return {
      ...(title ? { pageTitle: title.slice(0, 200) } : {}),
      pageContent: buildPageContent(texts, around ?? this.current),
      ...(elementId ? { elementId } : {}),
      ...(elementText ? { elementText } : {}),
      ...(graded !== undefined ? { graded } : {}),
    };
  }

  private update(entries: IntersectionObserverEntry[]): void {
    let blocksChanged = false;
    for (const entry of entries) {
      const el = entry.target;
      if (el.matches(QUIZ_ITEM_SELECTOR) && entry.isIntersecting && entry.intersectionRatio >= 0.5) {
        const item = quizItemFacts(el);
        if (item) for (const l of this.listeners) l.onQuizItemShown?.(item.id);
      }
      if (!el.matches(BLOCK_SELECTOR)) continue;
      const id = blockFacts(el)?.id;
      if (!id) continue;
      const r = entry.intersectionRect;
      this.visible.set(id, entry.isIntersecting ? r.width * r.height : 0);
      blocksChanged = true;
    }
    if (!blocksChanged) return;
    const next = mostVisible(this.visible);
    if (next === this.current) return;
    this.current = next;
    for (const l of this.listeners) l.onInView?.(next);
  }
}
