import { BLOCK_SELECTOR, blockFacts, QUIZ_ITEM_SELECTOR, quizItemFacts } from "./blocks";
import { mostVisible } from "./dwell";

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

export interface ContentPageHooks {
  /** The most visible block changed (null: no block in view). */
  onInView(blockId: string | null): void;
  /** A quiz item came into view for the first time or again. */
  onQuizItemShown(itemId: string): void;
}

/**
 * Watches the content blocks and quiz items with an IntersectionObserver from the content
 * page's own window (an observer only sees targets in its own document tree).
 */
export class ContentPage {
  private observer: IntersectionObserver | null = null;
  /** Visible area per block id, kept in document order. */
  private readonly visible = new Map<string, number>();
  private readonly blocks: Element[];

  constructor(
    readonly doc: Document,
    private readonly hooks: ContentPageHooks,
  ) {
    this.blocks = [...doc.querySelectorAll(BLOCK_SELECTOR)].filter((el) => blockFacts(el) !== null);
    for (const el of this.blocks) this.visible.set(blockFacts(el)?.id ?? "", 0);
  }

  start(): void {
    const Observer = this.doc.defaultView?.IntersectionObserver;
    if (!Observer) return;
    this.observer = new Observer((entries) => this.update(entries), {
      threshold: [0, 0.1, 0.25, 0.5, 0.75, 0.9, 1],
    });
    for (const el of this.blocks) this.observer.observe(el);
    for (const el of this.doc.querySelectorAll(QUIZ_ITEM_SELECTOR)) this.observer.observe(el);
  }

  stop(): void {
    this.observer?.disconnect();
    this.observer = null;
  }

  /** Block elements in page order, for the page content sent to chat. */
  get blockElements(): readonly Element[] {
    return this.blocks;
  }

  blockById(id: string): Element | null {
    return this.blocks.find((el) => blockFacts(el)?.id === id) ?? null;
  }

  private update(entries: IntersectionObserverEntry[]): void {
    let blocksChanged = false;
    for (const entry of entries) {
      const el = entry.target;
      if (el.matches(QUIZ_ITEM_SELECTOR) && entry.isIntersecting && entry.intersectionRatio >= 0.5) {
        const item = quizItemFacts(el);
        if (item) this.hooks.onQuizItemShown(item.id);
      }
      if (!el.matches(BLOCK_SELECTOR)) continue;
      const id = blockFacts(el)?.id;
      if (!id) continue;
      const r = entry.intersectionRect;
      this.visible.set(id, entry.isIntersecting ? r.width * r.height : 0);
      blocksChanged = true;
    }
    if (blocksChanged) this.hooks.onInView(mostVisible(this.visible));
  }
}
